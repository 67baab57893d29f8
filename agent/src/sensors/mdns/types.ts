/** A host on the LAN that answered an mDNS query for a catalog name ("pikvm.local"). */
export interface MdnsAnswerFact {
  name: string;
  address: string;
  /** The laptop's interface the query went out on. */
  interface: string;
}
