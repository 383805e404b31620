package dev.edgestack.balancer.vertx;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Rewrites an upstream answer's body before the client sees it, such as a gateway's JSON field
 * projection. The body is buffered up to {@link #maxBufferBytes()}; past it the answer fails (a
 * 502) or streams through unchanged, as {@link #overLimit()} says. Content-Length is set to the
 * rewritten body's length.
 */
public interface BodyRewrite {

  /** What happens to an answer whose body is over the buffer bound. */
  enum OverLimit {
    /** The request fails as a bad upstream response (502); nothing of the answer is sent. */
    FAIL,
    /** The answer streams to the client untouched. */
    PASS_THROUGH
  }

  /** Rewrites nothing: answers stream through. */
  static BodyRewrite none() {
    return NoRewrite.INSTANCE;
  }

  /** Whether this answer's body is to be buffered and rewritten, from its status and headers. */
  boolean appliesTo(int status, MultiMap headers);

  int maxBufferBytes();

  OverLimit overLimit();

  /** The new body; an exception fails the request as a bad upstream response. */
  Buffer rewrite(Buffer body);
}
