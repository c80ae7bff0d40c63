/** The error every part of the `travel-days` command raises for the user: one line, and the exit code to end with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
