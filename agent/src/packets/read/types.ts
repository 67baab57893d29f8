// What a capture file reader hands on: one captured frame with its link type and time. `data` is a
// view into the reader's buffer, valid only during the callback (the same contract as libpcap).

export interface RawPacket {
  /** LINKTYPE_* number of the interface the frame was captured on (tcpdump.org/linktypes.html). */
  linkType: number;
  /** Capture time, milliseconds since the Unix epoch (fractional). */
  tsMs: number;
  /** The captured bytes (at most the snap length). */
  data: Uint8Array;
  /** The frame's length on the wire. */
  origLen: number;
}

export type PacketSink = (p: RawPacket) => void;

/** A capture file that cannot be read on: what is wrong, where, and what to do about it. */
export class CaptureFileError extends Error {
  constructor(message: string, readonly offset: number, readonly kind: 'format' | 'damaged' | 'truncated') {
    super(message);
    this.name = 'CaptureFileError';
  }
}

/** Largest record we accept: libpcap's own maximum snap length (MAXIMUM_SNAPLEN, 262144). */
export const MAX_RECORD = 262144;
