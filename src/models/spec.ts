import { AppError } from "../util/errors.js";
/** A model named as LangChain's initChatModel writes it: "provider:model". */
interface ModelSpec {
  provider: string;
  model: string;
}

/** Raised when the model settings cannot work; the message says what to set. */
export class ModelConfigError extends AppError {
  readonly code = "invalid_settings";
}

export function parseModelSpec(spec: string, setting: string): ModelSpec {
  const at = spec.indexOf(":");
  if (at <= 0 || at === spec.length - 1) {
    throw new ModelConfigError(
      `${setting}="${spec}" is not "provider:model" (e.g. openai:gpt-4o-mini or llama-cpp:./models/model.gguf)`,
    );
  }
  return { provider: spec.slice(0, at).trim().toLowerCase(), model: spec.slice(at + 1).trim() };
}
