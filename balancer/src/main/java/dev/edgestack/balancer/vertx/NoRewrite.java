package dev.edgestack.balancer.vertx;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** The rewrite that applies to nothing. */
enum NoRewrite implements BodyRewrite {
  INSTANCE;

  @Override
  public boolean appliesTo(int status, MultiMap headers) {
    return false;
  }

  @Override
  public int maxBufferBytes() {
    return 0;
  }

  @Override
  public OverLimit overLimit() {
    return OverLimit.PASS_THROUGH;
  }

  @Override
  public Buffer rewrite(Buffer body) {
    return body;
  }
}
