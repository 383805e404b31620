package dev.edgestack.gateway.compose;

import dev.edgestack.runtime.failure.EdgeFailure;

/** What one part of a composition produced: a JSON value, a failure, or nothing (not called). */
public sealed interface PartOutcome
    permits PartOutcome.Answered, PartOutcome.Failed, PartOutcome.Skipped {

  /** The part's JSON body: a JsonObject, JsonArray, String, Number, Boolean or null. */
  record Answered(Object json) implements PartOutcome {}

  /** The part failed; {@code failure} is what a required part turns the whole answer into. */
  record Failed(EdgeFailure failure) implements PartOutcome {}

  /**
   * The part was never called: a part it waits for is missing, a field its path uses is not in that
   * part's answer, or the route's deadline passed first. {@code failure} is what a required part
   * turns the whole answer into.
   */
  record Skipped(EdgeFailure failure) implements PartOutcome {}

  /** The failure of a part that has no answer, or null when it answered. */
  default EdgeFailure failureOrNull() {
    if (this instanceof Failed failed) {
      return failed.failure();
    }
    if (this instanceof Skipped skipped) {
      return skipped.failure();
    }
    return null;
  }

  /** The metric tag: {@code answered}, {@code skipped} or the failure kind's tag. */
  default String tag() {
    if (this instanceof Answered) {
      return "answered";
    }
    if (this instanceof Skipped) {
      return "skipped";
    }
    return failureOrNull().kind().tag();
  }
}
