// Sizes both ends agree on. The collector enforces them; the agent stays under them.

/** Largest encoded AgentMessage the collector accepts (gRPC max receive length). */
export const MAX_AGENT_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Batches the agent builds stay under this, leaving room for framing. */
export const DEFAULT_MAX_BATCH_BYTES = 1024 * 1024;

/** Largest number of events in one batch. */
export const MAX_EVENTS_PER_BATCH = 1000;
