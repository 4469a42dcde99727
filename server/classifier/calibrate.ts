/**
 * Temperature scaling: one parameter T so that softmax(score / T) matches how often the model is
 * right on held-out data. A single parameter cannot overfit the few hundred held-out scores we
 * have, and it keeps the ranking (hence accuracy) unchanged.
 */

function nll(held: readonly { raw: Float64Array; y: number }[], t: number): number {
  let total = 0;
  for (const { raw, y } of held) {
    let m = -Infinity;
    for (let c = 0; c < raw.length; c++) m = Math.max(m, raw[c] / t);
    let s = 0;
    for (let c = 0; c < raw.length; c++) s += Math.exp(raw[c] / t - m);
    total += m + Math.log(s) - raw[y] / t;
  }
  return total / held.length;
}

/** Golden-section search on log T: NLL is unimodal in T for a fixed set of scores. */
export function fitTemperature(held: readonly { raw: Float64Array; y: number }[], lo = Math.log(0.01), hi = Math.log(10)): number {
  if (held.length === 0) throw new Error('fitTemperature needs held-out scores');
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = nll(held, Math.exp(c));
  let fd = nll(held, Math.exp(d));
  for (let i = 0; i < 60; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = nll(held, Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = nll(held, Math.exp(d));
    }
  }
  return Math.exp((a + b) / 2);
}
