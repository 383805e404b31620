package dev.edgestack.gateway.ratelimit;

/**
 * What one call to the store asks for: at least {@code need} tokens (the request's cost), up to
 * {@code want} (a lease), never more than {@code 1 / share} of the spare tokens; and, on the way,
 * {@code returned} unused tokens of an expired lease taken at {@code returnedTakenAtMicros}. A
 * gateway refilling its lease early still holds {@code held} tokens of this key: they count against
 * its share (see {@link LimitAlgorithm#acquire(java.io.Serializable, long, long, long, int,
 * long)}).
 */
public record TokenRequest(
    long need, long want, int share, long returned, long returnedTakenAtMicros, long held) {

  /** Exactly {@code cost} tokens, nothing returned. */
  public static TokenRequest exact(long cost) {
    return new TokenRequest(cost, cost, 1, 0, 0, 0);
  }
}
