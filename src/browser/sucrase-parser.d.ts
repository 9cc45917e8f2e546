/**
 * sucrase's own parser, the one its `transform` runs (the same modules in the quick compiler's
 * bundle): quick-compile-scan.ts reads its tokens. sucrase declares these modules under
 * dist/types/ but ships no declarations beside dist/esm/.
 */
declare module 'sucrase/dist/esm/parser/index.js' {
  export { parse } from 'sucrase/dist/types/parser/index';
}
declare module 'sucrase/dist/esm/parser/tokenizer/index.js' {
  export { IdentifierRole, type Token } from 'sucrase/dist/types/parser/tokenizer/index';
}
declare module 'sucrase/dist/esm/parser/tokenizer/types.js' {
  export { TokenType } from 'sucrase/dist/types/parser/tokenizer/types';
}
declare module 'sucrase/dist/esm/parser/tokenizer/state.js' {
  export { type Scope } from 'sucrase/dist/types/parser/tokenizer/state';
}
