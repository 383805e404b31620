package dev.edgestack.balancer.vertx;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * Buffers one upstream body within the rewrite's bound, then writes the head (through {@code
 * writeHead}) and the rewritten body with its Content-Length. Over the bound it fails before any
 * byte was sent, or writes what it holds and streams the rest, as the rewrite says.
 */
final class BufferedRewrite {
  private final HttpClientResponse upstream;
  private final HttpServerResponse response;
  private final HttpVersion clientVersion;
  private final BodyRewrite rewrite;
  private final Runnable writeHead;
  private final Promise<Void> done = Promise.promise();
  private final Buffer body = Buffer.buffer();
  private boolean over;

  private BufferedRewrite(
      HttpClientResponse upstream,
      HttpServerResponse response,
      HttpVersion clientVersion,
      BodyRewrite rewrite,
      Runnable writeHead) {
    this.upstream = upstream;
    this.response = response;
    this.clientVersion = clientVersion;
    this.rewrite = rewrite;
    this.writeHead = writeHead;
  }

  static Future<Void> write(
      HttpClientResponse upstream,
      HttpServerResponse response,
      HttpVersion clientVersion,
      BodyRewrite rewrite,
      Runnable writeHead) {
    return new BufferedRewrite(upstream, response, clientVersion, rewrite, writeHead).start();
  }

  /** The failure of an answer over the bound, when the rewrite does not pass it through. */
  static EdgeFailure overLimitFailure(BodyRewrite rewrite) {
    return EdgeFailure.of(
        FailureKind.BAD_UPSTREAM_RESPONSE,
        "The upstream's answer is over the route's buffer bound of "
            + rewrite.maxBufferBytes()
            + " bytes");
  }

  private Future<Void> start() {
    upstream.exceptionHandler(done::tryFail);
    upstream.handler(this::append);
    upstream.endHandler(ignored -> end());
    return done.future();
  }

  private void append(Buffer chunk) {
    if (over) {
      return;
    }
    if (body.length() + chunk.length() <= rewrite.maxBufferBytes()) {
      body.appendBuffer(chunk);
      return;
    }
    over = true;
    if (rewrite.overLimit() == BodyRewrite.OverLimit.FAIL) {
      // Fail first: the reset below reports itself through the exception handler.
      done.tryFail(overLimitFailure(rewrite));
      upstream.handler(null);
      upstream.endHandler(null);
      // Drop the rest: closing the upstream connection is cheaper than reading it all.
      upstream.request().reset();
      return;
    }
    upstream.pause();
    writeHead.run();
    response.headers().remove("Content-Length");
    response.setChunked(clientVersion != HttpVersion.HTTP_1_0);
    response.write(body.appendBuffer(chunk));
    upstream.pipe().endOnFailure(false).to(response).onComplete(done);
  }

  private void end() {
    if (over) {
      return;
    }
    Buffer rewritten;
    try {
      rewritten = rewrite.rewrite(body);
    } catch (RuntimeException e) {
      done.tryFail(
          EdgeFailure.of(
              FailureKind.BAD_UPSTREAM_RESPONSE,
              "The upstream's answer could not be rewritten",
              e));
      return;
    }
    writeHead.run();
    response.headers().remove("Transfer-Encoding");
    response.setChunked(false);
    response.headers().set("Content-Length", Integer.toString(rewritten.length()));
    response.end(rewritten).onComplete(done);
  }
}
