/** A failure the user can act on: printed as one line plus a hint, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly code = "CLI_ERROR",
  ) {
    super(message);
  }
}
