package dev.edgestack.gateway.ratelimit;

/**
 * What one call to the store asks for: at least {@code need} tokens (the request's cost), up to
 * {@code want} (a lease), never more than {@code 1 / share} of the spare tokens; and, on the way,
 * {@code returned} unused tokens of an expired lease taken at {@code returnedTakenAtMicros}.
 */
public record TokenRequest(
    long need, long want, int share, long returned, long returnedTakenAtMicros) {

  /** Exactly {@code cost} tokens, nothing returned. */
  public static TokenRequest exact(long cost) {
    return new TokenRequest(cost, cost, 1, 0, 0);
  }
}
