let turn = 0;
let ending = false;
const endTurn = () => {
  turn++;
  ending = false;
};

/**
 * A number that stays the same for every request read in one turn of the event loop and moves
 * after it (a `setImmediate` scheduled by the first caller of the turn). Checks of state another
 * process may change (a SQLite file's change stamp, a tag folder's mtime) are made once per turn
 * with it: requests that arrived together share the answer, and a change made before a request
 * was sent is seen by that request, which is read in a later turn.
 */
export function loopTurn(): number {
  if (!ending) {
    ending = true;
    setImmediate(endTurn);
  }
  return turn;
}
