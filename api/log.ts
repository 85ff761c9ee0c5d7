/** Where the API reports what it did and what went wrong; tests pass a silent one. */
export interface ApiLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export const consoleLog: ApiLog = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message, err) => console.error(message, err),
};
