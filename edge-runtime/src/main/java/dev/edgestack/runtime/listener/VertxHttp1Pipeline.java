package dev.edgestack.runtime.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/**
 * The one place that reaches into Vert.x internals: on a new HTTP/1.x server connection it adds
 * {@link StrictHttp1Handler} in front of Vert.x's handler and (unless h2c is on, see {@link
 * #install}) swaps Vert.x's request decoder for a strict one. Relies on {@code
 * Http1xServerConnection}, {@code VertxHttpRequestDecoder} and the pipeline names {@code
 * httpDecoder} and {@code handler} of vertx-core 5.0; {@code VertxHttp1PipelineTest} fails loudly
 * when they change.
 */
final class VertxHttp1Pipeline {
  static final String DECODER = "httpDecoder";
  static final String VERTX_HANDLER = "handler";
  static final String STRICT = "edgeStrictHttp1";

  private VertxHttp1Pipeline() {}

  /**
   * Installs the strict parsing on an HTTP/1.x connection; returns false for HTTP/2 connections,
   * which Netty's HTTP/2 codec already frames strictly.
   */
  static boolean install(
      HttpConnection connection,
      HttpServerOptions options,
      ListenerConfig limits,
      EdgeRejections rejections) {
    if (!(connection instanceof Http1xServerConnection http1)) {
      return false;
    }
    ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
    if (pipeline.get(DECODER) == null || pipeline.get(VERTX_HANDLER) == null) {
      throw new IllegalStateException(
          "Vert.x HTTP/1.x pipeline changed: expected handlers '"
              + DECODER
              + "' and '"
              + VERTX_HANDLER
              + "' in "
              + pipeline.names());
    }
    StrictHttp1Handler strict = new StrictHttp1Handler(limits, rejections);
    pipeline.addBefore(VERTX_HANDLER, STRICT, strict);
    if (!options.isHttp2ClearTextEnabled()) {
      pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(options, strict));
    }
    // With h2c, Vert.x creates the connection only once the first request is decoded, so the
    // decoder is mid-message here and cannot be swapped: the request checks still apply, but
    // not the Transfer-Encoding with Content-Length check nor the header timeout.
    return true;
  }

  /**
   * Vert.x's decoder, except that Transfer-Encoding with Content-Length fails the request (Netty
   * drops the Content-Length and carries on, RFC 9112 §6.1 wants it rejected by an intermediary).
   */
  static final class StrictRequestDecoder extends VertxHttpRequestDecoder {
    private final StrictHttp1Handler strict;

    StrictRequestDecoder(HttpServerOptions options, StrictHttp1Handler strict) {
      super(options);
      this.strict = strict;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      if (buffer.isReadable()) {
        strict.bytesArrived();
      }
      super.decode(ctx, buffer, out);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      throw new IllegalArgumentException("Transfer-Encoding together with Content-Length");
    }
  }
}
