// Express 4, installed under the alias `express4` beside Express 5. Its API as used here (app,
// use, listen) is the one @types/express describes.
declare module "express4" {
  import express from "express";
  export default express;
}
