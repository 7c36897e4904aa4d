/**
 * `Date#toISOString` for times in order: the part up to the second is formatted once per second,
 * the milliseconds appended (a batch holds hundreds of requests per second).
 */
export function createIsoFormatter(): (ms: number) => string {
  let second = Number.NaN;
  let prefix = "";
  return (ms) => {
    const whole = Math.floor(ms);
    const s = Math.floor(whole / 1000);
    if (s !== second) {
      second = s;
      prefix = new Date(s * 1000).toISOString().slice(0, 20);
    }
    const millis = whole - s * 1000;
    return `${prefix}${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
  };
}
