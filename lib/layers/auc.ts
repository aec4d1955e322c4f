/**
 * The area under the ROC curve of scores against binary labels: the probability that a random positive scores
 * above a random negative (ties count half; Mann–Whitney U / (n₊n₋)).
 *
 * @module
 */

/**
 * ROC AUC.
 *
 * @example
 * ```ts
 * import { rocAuc } from "./auc.ts";
 * import assert from "node:assert/strict";
 * assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
 * ```
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (scores.length !== labels.length) {
    throw new RangeError(`Cannot compute the AUC: ${scores.length} scores for ${labels.length} labels`);
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0, neg = 0, rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1; // average rank of the tie group
    for (let k = i; k <= j; k++) if (labels[order[k]] === 1) rankSum += rank;
    i = j + 1;
  }
  for (let i = 0; i < labels.length; i++) labels[i] === 1 ? pos++ : neg++;
  if (pos === 0 || neg === 0) {
    throw new RangeError(`Cannot compute the AUC: need both classes: positives=${pos}, negatives=${neg}`);
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
