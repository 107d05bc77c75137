/** A text field of a submitted form ('' when absent or a file). */
export function fieldOf(form: HTMLFormElement, name: string): string {
  const v = new FormData(form).get(name);
  return typeof v === 'string' ? v : '';
}
