/**
 * Prettier, set to the style the code already had (`npm run format` writes it, the lint tier of `npm test` checks it).
 *
 * printWidth 160, measured on functions/src, test and scripts before Prettier came in (31 846 lines): 99 % of the
 * lines were at most 161 characters, and the multi-line calls and signatures were those longer than about 160. Lines
 * that `prettier --write` would change at each width: 120: 9 573, 140: 5 283, 160: 3 366, 180: 2 562, 200: 2 391.
 * Past 160 the changes shrink little while lines grow longer. Doc comments are wrapped by hand at 120 (Prettier
 * does not rewrap comments).
 */
export default {
  singleQuote: true,
  printWidth: 160,
  trailingComma: 'all',
};
