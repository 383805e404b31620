package dev.edgestack.gateway.compose;

import dev.edgestack.gateway.config.ComposePart;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.failure.FailureResponder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The rules of partial results, free of I/O. A part succeeds with a 2xx JSON answer. The document
 * holds every part by name (a failed or skipped optional part as its fallback, else {@code null})
 * and {@code "missing"}: the failed or skipped optional parts in config order. A failed required
 * part fails the whole answer: a 4xx from its upstream keeps its meaning (404 stays 404), anything
 * else is 502, 503 or 504.
 */
public final class CompositionRules {
  public static final String MISSING = "missing";

  private CompositionRules() {}

  /** The outcome of an upstream answer. */
  public static PartOutcome fromResponse(String part, int status, Buffer body) {
    if (status >= 200 && status < 300) {
      try {
        Object json = body == null || body.length() == 0 ? null : Json.decodeValue(body);
        return new PartOutcome.Answered(json);
      } catch (DecodeException e) {
        return failed(FailureKind.BAD_UPSTREAM_RESPONSE, part, "answered a body that is not JSON");
      }
    }
    FailureKind kind =
        switch (status) {
          case 400 -> FailureKind.BAD_REQUEST;
          case 401 -> FailureKind.UNAUTHENTICATED;
          case 403 -> FailureKind.FORBIDDEN;
          case 404, 410 -> FailureKind.NOT_FOUND;
          case 405 -> FailureKind.METHOD_NOT_ALLOWED;
          case 413 -> FailureKind.PAYLOAD_TOO_LARGE;
          case 429 -> FailureKind.RATE_LIMITED;
          case 503 -> FailureKind.UNAVAILABLE;
          case 504 -> FailureKind.UPSTREAM_TIMEOUT;
          default ->
              status >= 400 && status < 500
                  ? FailureKind.BAD_REQUEST
                  : FailureKind.BAD_UPSTREAM_RESPONSE;
        };
    return failed(kind, part, "answered " + status);
  }

  /** The outcome of a call that got no answer (connect failure, timeout, reset, no endpoint). */
  public static PartOutcome fromFailure(String part, Throwable error) {
    if (error instanceof EdgeFailure failure) {
      // Headers stay: a breaker's Retry-After still applies when this part fails the answer.
      EdgeFailure named =
          EdgeFailure.of(failure.kind(), "Part " + part + ": " + failure.getMessage());
      for (Map.Entry<String, String> header : failure.headers().entrySet()) {
        named = named.withHeader(header.getKey(), header.getValue());
      }
      return new PartOutcome.Failed(named);
    }
    if (error instanceof TimeoutException) {
      return failed(FailureKind.UPSTREAM_TIMEOUT, part, "did not answer in time");
    }
    EdgeFailure classified = FailureResponder.classify(error);
    FailureKind kind =
        classified.kind() == FailureKind.INTERNAL
            ? FailureKind.BAD_UPSTREAM_RESPONSE
            : classified.kind();
    return failed(kind, part, "failed (" + error.getMessage() + ")");
  }

  /**
   * A part not called because {@code dependency}, which it waits for, is missing: it fails with the
   * dependency's kind, so that a timeout stays a 504.
   */
  public static PartOutcome skipped(String part, String dependency, EdgeFailure failure) {
    return new PartOutcome.Skipped(
        EdgeFailure.of(
            failure.kind(),
            "Part " + part + " was not called: part " + dependency + " is missing"));
  }

  /** A part not called because {@code {reference}} is not a value in the referenced answer. */
  public static PartOutcome unresolved(String part, String reference) {
    return new PartOutcome.Skipped(
        EdgeFailure.of(
            FailureKind.BAD_UPSTREAM_RESPONSE,
            "Part " + part + " was not called: {" + reference + "} is not a value in the answer"));
  }

  /**
   * A part not called because a required part had already failed the whole answer with {@code
   * answer}; it keeps that failure's kind.
   */
  public static PartOutcome notNeeded(String part, Throwable answer) {
    FailureKind kind =
        answer instanceof EdgeFailure failure ? failure.kind() : FailureKind.BAD_UPSTREAM_RESPONSE;
    return new PartOutcome.Skipped(
        EdgeFailure.of(kind, "Part " + part + " was not called: a required part had failed"));
  }

  /** A part not called because the route's deadline passed before it could start. */
  public static PartOutcome tooLate(String part) {
    return new PartOutcome.Skipped(
        EdgeFailure.of(
            FailureKind.UPSTREAM_TIMEOUT,
            "Part " + part + " was not called: the route's deadline passed"));
  }

  /**
   * Combines the outcomes of {@code parts} (keyed by part name) into the answer; a missing optional
   * part holds its fallback (or null) and is listed in {@code missing}.
   */
  public static Composition combine(List<ComposePart> parts, Map<String, PartOutcome> outcomes) {
    JsonObject body = new JsonObject();
    List<String> missing = new ArrayList<>();
    for (ComposePart part : parts) {
      PartOutcome outcome = outcomes.get(part.name());
      if (outcome == null) {
        outcome = failed(FailureKind.INTERNAL, part.name(), "was never called");
      }
      if (outcome instanceof PartOutcome.Answered answered) {
        body.put(part.name(), answered.json());
        continue;
      }
      if (part.required()) {
        return new Composition.Failed(outcome.failureOrNull());
      }
      body.put(part.name(), part.fallbackJson().map(Json::decodeValue).orElse(null));
      missing.add(part.name());
    }
    body.put(MISSING, new JsonArray(new ArrayList<>(missing)));
    return new Composition.Complete(body, missing);
  }

  private static PartOutcome failed(FailureKind kind, String part, String detail) {
    return new PartOutcome.Failed(EdgeFailure.of(kind, "Part " + part + " " + detail));
  }
}
