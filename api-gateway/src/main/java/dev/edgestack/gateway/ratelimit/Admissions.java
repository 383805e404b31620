package dev.edgestack.gateway.ratelimit;

/**
 * The store's answer to several requests of one key decided one after the other: how many were
 * admitted (the first {@code admitted} of them), the step of the last admitted one (null when none
 * was) and the step that rejected the next one (null when all were admitted). Every request after
 * the first rejected one is rejected too: the state did not change, and they cost the same.
 */
public record Admissions(int admitted, LimitStep lastAdmitted, LimitStep rejected) {
  private static final int STEP = 5;

  /** The numbers without the states, as the store sends them back. */
  long[] toWire() {
    long[] wire = new long[1 + 2 * STEP];
    wire[0] = admitted;
    if (lastAdmitted != null) {
      System.arraycopy(lastAdmitted.toWire(), 0, wire, 1, STEP);
    }
    if (rejected != null) {
      System.arraycopy(rejected.toWire(), 0, wire, 1 + STEP, STEP);
    }
    return wire;
  }

  /** What {@link #toWire()} wrote, for {@code count} requests. */
  static Admissions fromWire(long[] wire, int count) {
    int admitted = (int) wire[0];
    LimitStep last =
        admitted == 0 ? null : LimitStep.fromWire(java.util.Arrays.copyOfRange(wire, 1, 1 + STEP));
    LimitStep rejected =
        admitted == count
            ? null
            : LimitStep.fromWire(java.util.Arrays.copyOfRange(wire, 1 + STEP, 1 + 2 * STEP));
    return new Admissions(admitted, last, rejected);
  }
}
