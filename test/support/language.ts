/** Three Latin words in a row: an English phrase, which a Chinese answer must not carry. */
export const ENGLISH_RUN = /[A-Za-z]+(?:[\s,;:]+[A-Za-z]+){2,}/;

/** A Chinese character, which an English answer must not carry. */
export const HAN = /\p{Script=Han}/u;
