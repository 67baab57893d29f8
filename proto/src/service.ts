// The typed @grpc/grpc-js service definitions over the generated protobuf code. Serialization lives
// here; transport and retry live with the agent and collector (as in OpenTelemetry-JS).
//
// Requests decode into Decoded<T> instead of throwing, so the server decides the status and the
// words of the error (grpc-js would turn a throwing deserializer into a bare INTERNAL).
import type { ServiceDefinition } from '@grpc/grpc-js';
import {
  decodeAgentMessage, decodeCollectorMessage, decodeFrame, encodeAgentMessage, encodeCollectorMessage,
  type Decoded,
} from './frame.js';
import { pb, type AgentMessage, type CollectorMessage, type farmwatch } from './messages.js';

/**
 * A method whose server side decodes requests into Decoded<Req> while the client sends Req.
 * (grpc-js's MethodDefinition uses one request type for both sides.)
 */
export interface Method<Req, Res, ServerReq = Req> {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  originalName: string;
  requestSerialize: (message: Req) => Buffer;
  requestDeserialize: (bytes: Buffer) => ServerReq;
  responseSerialize: (message: Res) => Buffer;
  responseDeserialize: (bytes: Buffer) => Res;
}

export interface IngestServiceDefinition extends ServiceDefinition {
  stream: Method<AgentMessage, CollectorMessage, Decoded<AgentMessage>>;
}

export const ingestService: IngestServiceDefinition = {
  stream: {
    path: '/farmwatch.v1.Ingest/Stream',
    requestStream: true,
    responseStream: true,
    originalName: 'Stream',
    requestSerialize: encodeAgentMessage,
    requestDeserialize: decodeAgentMessage,
    responseSerialize: encodeCollectorMessage,
    responseDeserialize: (bytes: Buffer): CollectorMessage => {
      const decoded = decodeCollectorMessage(bytes);
      if (!decoded.ok) throw decoded.error;
      return decoded.message;
    },
  },
};

type EnrollRequest = farmwatch.v1.EnrollRequest.$Shape;
type RenewRequest = farmwatch.v1.RenewRequest.$Shape;
type EnrollResponse = farmwatch.v1.EnrollResponse.$Shape;

function encoder<T>(type: { encode(m: T): { finish(): Uint8Array } }): (m: T) => Buffer {
  return (m) => {
    const bytes = type.encode(m).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function strictDecoder<T>(name: string, type: { decode(b: Uint8Array): T }): (b: Buffer) => T {
  return (bytes) => {
    const decoded = decodeFrame(name, type, bytes);
    if (!decoded.ok) throw decoded.error;
    return decoded.message;
  };
}

export interface EnrollmentServiceDefinition extends ServiceDefinition {
  enroll: Method<EnrollRequest, EnrollResponse, Decoded<EnrollRequest>>;
  renew: Method<RenewRequest, EnrollResponse, Decoded<RenewRequest>>;
}

export const enrollmentService: EnrollmentServiceDefinition = {
  enroll: {
    path: '/farmwatch.v1.Enrollment/Enroll',
    requestStream: false,
    responseStream: false,
    originalName: 'Enroll',
    requestSerialize: encoder(pb.EnrollRequest),
    requestDeserialize: (b: Buffer) => decodeFrame('farmwatch.v1.EnrollRequest', pb.EnrollRequest, b),
    responseSerialize: encoder(pb.EnrollResponse),
    responseDeserialize: strictDecoder('farmwatch.v1.EnrollResponse', pb.EnrollResponse),
  },
  renew: {
    path: '/farmwatch.v1.Enrollment/Renew',
    requestStream: false,
    responseStream: false,
    originalName: 'Renew',
    requestSerialize: encoder(pb.RenewRequest),
    requestDeserialize: (b: Buffer) => decodeFrame('farmwatch.v1.RenewRequest', pb.RenewRequest, b),
    responseSerialize: encoder(pb.EnrollResponse),
    responseDeserialize: strictDecoder('farmwatch.v1.EnrollResponse', pb.EnrollResponse),
  },
};
