package dev.edgestack.gateway.compose;

import dev.edgestack.runtime.failure.EdgeFailure;

/** What one part of a composition produced: a JSON value, or a failure. */
public sealed interface PartOutcome permits PartOutcome.Answered, PartOutcome.Failed {

  /** The part's JSON body: a JsonObject, JsonArray, String, Number, Boolean or null. */
  record Answered(Object json) implements PartOutcome {}

  /** The part failed; {@code failure} is what a required part turns the whole answer into. */
  record Failed(EdgeFailure failure) implements PartOutcome {}
}
