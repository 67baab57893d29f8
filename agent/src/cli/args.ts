// What the agent's commands share: the program shell's helpers.
export { Argument, commaList as list, command, exits, positiveInt, Option, UsageError, type Command } from '@farmwatch/shared';
