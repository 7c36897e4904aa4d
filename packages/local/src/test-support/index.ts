export { freeLoopbackPort, type Pebble, startPebble } from "./pebble.ts";
