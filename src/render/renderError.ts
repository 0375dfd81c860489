/** A plan that the renderers cannot turn into containers (found before any resource exists). */
export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RenderError";
  }
}
