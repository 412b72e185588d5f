/** Phones and narrow windows: lists become cards, filters fold away (below 768 px). */
export const NARROW = '(max-width: 47.99em)';
