/** The farmwatch release these programs belong to. */
export const FARMWATCH_VERSION = '0.1.0';
