/** The text a file's vector stands for: what it is called, what it shows, and the start of its text. */
export function embeddingText(filename: string, summary: string | null, text: string | null): string {
  return `${filename}. ${summary ?? ''} ${(text ?? '').slice(0, 1500)}`.trim();
}
