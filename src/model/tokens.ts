/**
 * A deliberately simple token estimate (about four characters a token for English and code).
 * Budgets use it to decide what fits; the model server's own counts are what metrics record.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
