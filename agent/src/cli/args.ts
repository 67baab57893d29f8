// Command-line parsing for the agent's commands: the shared parser and its helpers.
export { commaList as list, parse, positiveInt, UsageError } from '@farmwatch/shared';
