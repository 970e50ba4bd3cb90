/** The turn's input cannot be used; the message says what to change. Nothing was stored. */
export class TurnInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TurnInputError";
  }
}
