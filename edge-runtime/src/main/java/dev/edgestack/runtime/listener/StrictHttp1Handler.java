package dev.edgestack.runtime.listener;

import dev.edgestack.runtime.http.Ids;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each decoded HTTP/1.x request as RFC 9112 asks of an intermediary before the server sees
 * it, and bounds how long a head or a body may take. A rejected request is answered here with a
 * problem and the connection is closed, so nothing behind the edge ever sees it.
 *
 * <p>Sits between the HTTP decoder (which reports raw bytes through {@link #bytesArrived}) and
 * Vert.x's handler, and watches Vert.x's responses go out so that it never answers over one.
 */
final class StrictHttp1Handler extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StrictHttp1Handler.class);
  private final ListenerConfig limits;
  private final EdgeRejections rejections;
  private ChannelHandlerContext context;
  private boolean awaitingHead = true;
  private boolean inBody;
  private long bodyBytes;
  private int unanswered;
  private boolean responseStarted;
  private boolean rejected;
  private ScheduledFuture<?> headTimer;
  private ScheduledFuture<?> bodyTimer;

  StrictHttp1Handler(ListenerConfig limits, EdgeRejections rejections) {
    this.limits = limits;
    this.rejections = rejections;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimers();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelTimers();
    super.channelInactive(ctx);
  }

  /** Called by the decoder whenever bytes arrive: the first byte of a head starts its clock. */
  void bytesArrived() {
    if (awaitingHead && headTimer == null && !rejected && context != null) {
      headTimer =
          context
              .executor()
              .schedule(
                  () -> timedOut("The request head did not arrive within the header timeout"),
                  limits.headerTimeout().toMillis(),
                  TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (rejected) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      cancel(headTimer);
      headTimer = null;
      awaitingHead = false;
      Rejection rejection = check(request);
      if (rejection != null) {
        ReferenceCountUtil.release(msg);
        reject(rejection.status, rejection.detail);
        return;
      }
      unanswered++;
      bodyBytes = 0;
      inBody =
          HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
      if (inBody) {
        restartBodyTimer();
      }
    }
    if (msg instanceof HttpContent content) {
      bodyBytes += content.content().readableBytes();
      if (bodyBytes > limits.maxBodyBytes()) {
        ReferenceCountUtil.release(msg);
        reject(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "The request body exceeds " + limits.maxBodyBytes() + " bytes");
        return;
      }
      if (content instanceof LastHttpContent) {
        inBody = false;
        cancel(bodyTimer);
        bodyTimer = null;
        awaitingHead = true;
      } else if (inBody) {
        restartBodyTimer();
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (rejected) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new ClosedChannelException());
      return;
    }
    if (msg instanceof HttpResponse response && response.status().code() >= 200) {
      responseStarted = true;
    }
    if (msg instanceof LastHttpContent && responseStarted) {
      responseStarted = false;
      unanswered = Math.max(0, unanswered - 1);
    }
    super.write(ctx, msg, promise);
  }

  private Rejection check(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      if (cause instanceof TooLongHttpLineException) {
        return new Rejection(
            HttpResponseStatus.REQUEST_URI_TOO_LONG,
            "The request line exceeds " + limits.maxRequestLineBytes() + " bytes");
      }
      if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
        return new Rejection(
            HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            "The header section exceeds " + limits.maxHeaderBytes() + " bytes");
      }
      return new Rejection(
          HttpResponseStatus.BAD_REQUEST,
          "Malformed request: " + String.valueOf(cause.getMessage()));
    }
    HttpHeaders headers = request.headers();
    if (headers.size() > limits.maxHeaderCount()) {
      return new Rejection(
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "More than " + limits.maxHeaderCount() + " header fields");
    }
    List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return new Rejection(HttpResponseStatus.BAD_REQUEST, "More than one Host header");
    }
    if (hosts.isEmpty() && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      return new Rejection(HttpResponseStatus.BAD_REQUEST, "An HTTP/1.1 request needs a Host");
    }
    List<String> encodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!encodings.isEmpty()) {
      Rejection coding = checkTransferCoding(String.join(",", encodings));
      if (coding != null) {
        return coding;
      }
    }
    long declared = declaredLength(headers);
    if (declared < -1) {
      return new Rejection(HttpResponseStatus.BAD_REQUEST, "Invalid Content-Length");
    }
    if (declared > limits.maxBodyBytes()) {
      return new Rejection(
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "The declared body of " + declared + " bytes exceeds " + limits.maxBodyBytes());
    }
    return null;
  }

  /** Only {@code chunked}, once and last, is understood (RFC 9112 §6.1, §6.3). */
  private static Rejection checkTransferCoding(String joined) {
    String[] codings = joined.split(",");
    boolean unknown = false;
    for (int i = 0; i < codings.length; i++) {
      String coding = codings[i].trim().toLowerCase(Locale.ROOT);
      boolean last = i == codings.length - 1;
      if (coding.equals("chunked") && !last) {
        return new Rejection(HttpResponseStatus.BAD_REQUEST, "chunked is not the final coding");
      }
      if (!coding.equals("chunked")) {
        unknown = true;
        if (last) {
          return new Rejection(HttpResponseStatus.BAD_REQUEST, "chunked is not the final coding");
        }
      }
    }
    if (unknown) {
      return new Rejection(
          HttpResponseStatus.NOT_IMPLEMENTED, "Transfer codings other than chunked: " + joined);
    }
    return null;
  }

  /** -1 when absent, below -1 when invalid. */
  private static long declaredLength(HttpHeaders headers) {
    String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      long length = Long.parseLong(value.trim());
      return length < 0 ? -2 : length;
    } catch (NumberFormatException e) {
      return -2;
    }
  }

  private void restartBodyTimer() {
    cancel(bodyTimer);
    bodyTimer =
        context
            .executor()
            .schedule(
                () -> {
                  if (!context.channel().config().isAutoRead()) {
                    // The server paused reading (back-pressure): the client is not stalling.
                    restartBodyTimer();
                  } else {
                    timedOut("The request body stalled beyond the body timeout");
                  }
                },
                limits.bodyTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
  }

  private void timedOut(String detail) {
    headTimer = null;
    bodyTimer = null;
    if (!rejected) {
      reject(HttpResponseStatus.REQUEST_TIMEOUT, detail);
    }
  }

  /** Answers with a problem unless a response is already on its way, then closes. */
  private void reject(HttpResponseStatus status, String detail) {
    cancelTimers();
    boolean canAnswer = !responseStarted && (unanswered == 0 || inBody);
    rejected = true;
    rejections.count(status.code());
    if (!canAnswer) {
      context.close();
      return;
    }
    String requestId = Ids.newRequestId();
    LOG.debug("{} rejected at the edge: {} {}", requestId, status.code(), detail);
    String body =
        "{\"type\":\"about:blank\",\"title\":\""
            + status.reasonPhrase()
            + "\",\"status\":"
            + status.code()
            + ",\"detail\":\""
            + detail.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\",\"requestId\":\""
            + requestId
            + "\"}";
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
        .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
        .set(HttpHeaderNames.CONNECTION, "close")
        .set("X-Request-Id", requestId);
    // Written from this handler's position, so it passes the encoder but not this handler.
    context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private void cancelTimers() {
    cancel(headTimer);
    cancel(bodyTimer);
    headTimer = null;
    bodyTimer = null;
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private record Rejection(HttpResponseStatus status, String detail) {}
}
