package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.HashConfig;
import dev.edgestack.balancer.Outcome;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.failure.FailureResponder;
import dev.edgestack.runtime.http.AccessLog;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.http.ForwardedHeaders;
import dev.edgestack.runtime.http.Ids;
import dev.edgestack.runtime.http.ServerMetrics;
import dev.edgestack.runtime.http.TraceContext;
import dev.edgestack.runtime.listener.EdgeRejections;
import dev.edgestack.runtime.listener.ListenerConfig;
import dev.edgestack.runtime.process.DrainableServer;
import dev.edgestack.runtime.process.EdgeContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The balancers' plain HTTP/1.1 listener at byte level: request and response heads are parsed
 * strictly in place ({@link Http1Head}), the few fields a proxy must change are rewritten, and
 * bodies pass through as slices of the buffers they arrived in, in both directions, with
 * back-pressure. Each client connection and the upstream connections it uses live on one event
 * loop, which keeps its own keep-alive connections per endpoint, so a request never crosses
 * threads.
 *
 * <p>Balancing, limits, the admission queue, retries within the budget and the deadline, outcome
 * reports and the debug header are those of the {@link UpstreamPool}, as on the Vert.x listener;
 * only the HTTP machinery differs. It answers HTTP/1.1 only: TLS, h2 and h2c stay on the Vert.x
 * listener.
 */
public final class Http1Relay implements DrainableServer {
  private static final Logger LOG = LoggerFactory.getLogger(Http1Relay.class);
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] COMMA_SPACE = {',', ' '};
  private static final byte[] X_FORWARDED_FOR_FIELD = fieldStart(ForwardedHeaders.X_FORWARDED_FOR);
  private static final byte[] FORWARDED_FIELD = fieldStart(ForwardedHeaders.FORWARDED);
  private static final byte[] VIA_FIELD = fieldStart(ForwardedHeaders.VIA);
  private static final byte[] X_FORWARDED_PROTO_HTTP =
      fieldLine(ForwardedHeaders.X_FORWARDED_PROTO, "http");
  private static final byte[] HTTP11 = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HTTP10 = " HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STATUS11 = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHUNKED =
      "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEEP_ALIVE =
      "connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REQUEST_ID_FIELD =
      (Exchange.REQUEST_ID + ": ").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRACEPARENT_FIELD =
      (Exchange.TRACEPARENT + ": ").getBytes(StandardCharsets.US_ASCII);
  // A response body part up to this size goes out in its head's buffer: one write, no slice.
  private static final int SMALL_BODY = 2048;
  // A response head larger than this is refused as a bad upstream response.
  private static final int MAX_RESPONSE_HEAD = 64 * 1024;
  private static final int MAX_RESPONSE_FIELDS = 256;
  // Body bytes held while the upstream connection is being opened, before reading pauses.
  private static final int MAX_PENDING_BODY = 64 * 1024;
  // How often an event loop looks for passed deadlines; timeouts are this late at most.
  static final long SWEEP_MILLIS = 25;

  private final EdgeContext context;
  private final ListenerConfig limits;
  private final RelayGate gate;
  private final ForwardedHeaders forwarded;
  private final AccessLog accessLog;
  private final FailureResponder failures;
  private final EdgeRejections rejections;
  private final ChannelFactory<? extends Channel> upstreamChannels;
  // Vert.x's asynchronous resolver (hosts file, then DNS), as its own clients use: Netty's default
  // looks a name up with InetAddress on the event loop, blocking it whenever the JDK's cache of
  // 30 s has expired, which a host name endpoint (the compose topologies) meets on reconnecting.
  private final AddressResolverGroup<?> upstreamResolvers;
  // "Via: 1.1 <instance>" (index 0) and "Via: 1.0 <instance>" lines, for messages without a Via.
  private final byte[][] viaAlone;
  // This tier's Via element, for HTTP/1.1 and 1.0 requests.
  private final String[] viaHop;
  private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
  private final FastThreadLocal<LoopState> loops =
      new FastThreadLocal<>() {
        @Override
        protected LoopState initialValue() {
          return new LoopState();
        }
      };
  private volatile boolean draining;
  private volatile Channel server;

  private Http1Relay(EdgeContext context, ListenerConfig limits, RelayGate gate) {
    this.context = context;
    this.limits = limits;
    this.gate = gate;
    this.forwarded = context.forwarded();
    this.accessLog = context.accessLog();
    this.failures = context.failures();
    this.rejections = EdgeRejections.of(context.registry());
    this.upstreamChannels = ((VertxInternal) context.vertx()).transport().channelFactory(false);
    this.upstreamResolvers =
        ((VertxInternal) context.vertx()).nameResolver().nettyAddressResolverGroup();
    this.viaHop = new String[] {forwarded.via("", "1.1"), forwarded.via("", "1.0")};
    this.viaAlone =
        new byte[][] {
          fieldLine(ForwardedHeaders.VIA, viaHop[0]), fieldLine(ForwardedHeaders.VIA, viaHop[1])
        };
  }

  /**
   * Listens on {@code host:port} on the instance's event loops; {@code gate} decides where each
   * request goes and how it is edited on the way.
   */
  public static Future<Http1Relay> start(
      EdgeContext context, String host, int port, ListenerConfig limits, RelayGate gate) {
    Http1Relay relay = new Http1Relay(context, limits, gate);
    VertxInternal vertx = (VertxInternal) context.vertx();
    Promise<Http1Relay> bound = Promise.promise();
    new ServerBootstrap()
        .group(vertx.acceptorEventLoopGroup(), vertx.nettyEventLoopGroup())
        .channelFactory(vertx.transport().serverChannelFactory(false))
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        // Measured here: the pooled allocator cost about a fifth less CPU per request at 64
        // connections than Netty 4.2's default adaptive one, whose magazines showed in profiles.
        .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel channel) {
                ClientConnection connection = relay.new ClientConnection();
                channel.pipeline().addLast(connection);
              }
            })
        .bind(host, port)
        .addListener(
            (ChannelFutureListener)
                future -> {
                  if (future.isSuccess()) {
                    relay.server = future.channel();
                    bound.complete(relay);
                  } else {
                    bound.fail(
                        new IllegalStateException(
                            "server.port: "
                                + port
                                + " (expected: a free port on "
                                + host
                                + "; "
                                + future.cause().getMessage()
                                + ")",
                            future.cause()));
                  }
                });
    return bound.future();
  }

  @Override
  public int actualPort() {
    Channel channel = server;
    return channel == null ? -1 : ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * Stops accepting, closes idle connections, lets requests in flight finish (their connections
   * close after the response), and closes whatever is left when the timeout passes.
   */
  @Override
  public Future<Void> shutdown(long timeoutMillis) {
    draining = true;
    Promise<Void> done = Promise.promise();
    Channel channel = server;
    if (channel != null) {
      channel.close();
    }
    connections.forEach(ClientConnection::drain);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    context.vertx().setTimer(20, id -> awaitDrained(deadline, done));
    return done.future();
  }

  // One-shot timers, each setting the next: a periodic one cancelled from its own handler threw
  // when its first tick came before setPeriodic, called off the event loop, had stored the task
  // (Vert.x 5.0 assigns it after scheduling), which ended the checks and left the drain hanging.
  private void awaitDrained(long deadline, Promise<Void> done) {
    if (connections.isEmpty() || System.nanoTime() - deadline > 0) {
      connections.forEach(ClientConnection::forceClose);
      done.tryComplete();
    } else {
      context.vertx().setTimer(20, id -> awaitDrained(deadline, done));
    }
  }

  /**
   * Makes {@code loopContext} current on its event loop until {@link #exit}, so that gate code
   * called meanwhile (a decision, a completion, the admission queue) finds it as {@link
   * io.vertx.core.Vertx#currentContext()}: its timers, store answers and promises come back on this
   * loop, and no context is made per call. Nearly free when it is already current (a client read
   * enters once for all the requests it delivers); otherwise one Vert.x dispatch.
   */
  static ContextInternal enter(ContextInternal loopContext) {
    if (ContextInternal.current() == loopContext) {
      return loopContext;
    }
    return loopContext.beginDispatch();
  }

  /** Ends what {@link #enter} began; {@code outer} is what it returned. */
  static void exit(ContextInternal loopContext, ContextInternal outer) {
    if (outer != loopContext) {
      loopContext.endDispatch(outer);
    }
  }

  /**
   * What one event loop keeps: its kept-alive upstream connections per endpoint, and its client
   * connections, whose timeouts one sweep checks every {@link #SWEEP_MILLIS} instead of a timer
   * scheduled and cancelled per request.
   */
  private final class LoopState {
    final Map<Endpoint, ArrayDeque<UpstreamLink>> idle = new HashMap<>();
    final List<ClientConnection> clients = new ArrayList<>();
    ScheduledFuture<?> sweep;
    // The loop's Vert.x context, made once: current while the relay runs gate code (see enter).
    ContextInternal vertxContext;

    ContextInternal vertxContext(EventLoop eventLoop) {
      if (vertxContext == null) {
        vertxContext =
            ((VertxInternal) context.vertx())
                .contextBuilder()
                .withThreadingModel(ThreadingModel.EVENT_LOOP)
                .withEventLoop(eventLoop)
                .build();
      }
      return vertxContext;
    }

    void add(ClientConnection client) {
      clients.add(client);
      if (sweep == null) {
        sweep =
            client
                .ctx
                .executor()
                .scheduleAtFixedRate(
                    this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
      }
    }

    void remove(ClientConnection client) {
      clients.remove(client);
    }

    private void sweep() {
      long now = System.nanoTime();
      for (int i = clients.size() - 1; i >= 0 && i < clients.size(); i--) {
        clients.get(i).checkTimeouts(now);
      }
      closeStaleIdle(now);
    }

    /**
     * Closes kept-alive upstream connections idle past their limit while traffic is quiet, so that
     * the first requests after a pause only connect: through the bench's chain, a burst after 20 s
     * of quiet had a p99 of 29.5 ms (median) while its requests also closed the stale ones, and
     * 18.9 ms with this (docs/balancing.md).
     */
    private void closeStaleIdle(long now) {
      for (ArrayDeque<UpstreamLink> links : idle.values()) {
        // Most recently used first (push and poll at the head), so the stale ones are at the tail.
        UpstreamLink oldest;
        while ((oldest = links.peekLast()) != null && oldest.stale(now)) {
          links.pollLast();
          oldest.channel.close();
        }
      }
    }
  }

  /** One client connection: parses its requests one at a time and relays each to a pool. */
  private final class ClientConnection extends ChannelInboundHandlerAdapter {
    // Each request's head in turn: one request is read at a time.
    private final Http1Head heads = new Http1Head();
    private ChannelHandlerContext ctx;
    private String peer;
    // Whether the peer is a trusted proxy: it is fixed for the connection, so asked once.
    private boolean peerTrusted;
    private ByteBuf in;
    private int scanFrom;
    private Phase phase = Phase.HEAD;
    private Request request;
    // The object the next request reuses: the last one, once nothing can reach it any more (see
    // Request.reusable), so that a kept-alive connection makes no Request per request.
    private Request spare;
    // Filled by each admission of this connection's requests, one at a time.
    final UpstreamPool.Admission admission = new UpstreamPool.Admission();
    private LoopState loop;
    // This loop's Vert.x context (LoopState.vertxContext), current while gate code runs.
    ContextInternal vertxContext;
    // When the connection times out while waiting for a head: idle (no byte yet) or too slow.
    private long headDeadline = Long.MAX_VALUE;
    private boolean headStarted;
    private boolean closing;
    private boolean processing;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
      peer = remote == null ? "unknown" : remote.getAddress().getHostAddress();
      peerTrusted = forwarded.trusts(peer);
      connections.add(this);
      loop = loops.get();
      vertxContext = loop.vertxContext(ctx.channel().eventLoop());
      loop.add(this);
      if (draining) {
        ctx.close();
        return;
      }
      armIdle();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      if (phase == Phase.CLOSED) {
        bytes.release();
        return;
      }
      in =
          in == null
              ? bytes
              : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in, bytes);
      // One dispatch for every request this read delivers (pipelined ones included).
      ContextInternal outer = enter(vertxContext);
      try {
        process();
      } finally {
        exit(vertxContext, outer);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      // The client reads slower than the upstream answers: stop reading the upstream meanwhile.
      if (request != null && request.link != null) {
        request.link.channel.config().setAutoRead(ctx.channel().isWritable());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      connections.remove(this);
      if (loop != null) {
        loop.remove(this);
      }
      Phase was = phase;
      phase = Phase.CLOSED;
      headDeadline = Long.MAX_VALUE;
      releaseInput();
      if (request != null && was != Phase.CLOSED) {
        request.clientGone();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("client connection from {} failed: {}", peer, cause.toString());
      ctx.close();
    }

    private void process() {
      if (processing) {
        // A request that ended while being read (a failure answered at once): the loop that
        // is running goes on with the next one.
        return;
      }
      processing = true;
      try {
        readRequests();
      } finally {
        processing = false;
      }
      // Body bytes written upstream go out now, also when this ran on the upstream's read.
      if (request != null && request.link != null) {
        request.link.channel.flush();
      }
    }

    private void readRequests() {
      while (phase != Phase.CLOSED && in != null) {
        switch (phase) {
          case HEAD -> {
            if (!readHead()) {
              return;
            }
          }
          case BODY -> {
            if (!request.readBody()) {
              return;
            }
          }
          default -> {
            // A pipelined request waits until this response is done; stop reading meanwhile
            // unless it is short.
            if (in.readableBytes() > limits.maxRequestLineBytes() + limits.maxHeaderBytes()) {
              ctx.channel().config().setAutoRead(false);
            }
            return;
          }
        }
      }
    }

    /** Parses a head if one has arrived; false when more bytes are needed (or the end came). */
    private boolean readHead() {
      if (!in.isReadable()) {
        releaseInput();
        return false;
      }
      if (!headStarted) {
        headStarted = true;
        headDeadline = System.nanoTime() + limits.headerTimeout().toNanos();
      }
      int end = Http1Head.findEnd(in, scanFrom);
      int lineLength = Http1Head.firstLineLength(in);
      if (lineLength > limits.maxRequestLineBytes()
          || lineLength < 0 && in.readableBytes() > limits.maxRequestLineBytes()) {
        reject(414, "request line too long");
        return false;
      }
      int fieldBytes = (end < 0 ? in.writerIndex() : end) - in.readerIndex() - lineLength;
      if (lineLength >= 0 && fieldBytes > limits.maxHeaderBytes()) {
        reject(431, "header section too large");
        return false;
      }
      if (end < 0) {
        scanFrom = Math.max(in.readerIndex(), in.writerIndex() - 3);
        return false;
      }
      scanFrom = 0;
      headDeadline = Long.MAX_VALUE;
      headStarted = false;
      Http1Head head = heads;
      head.load(in, end - in.readerIndex());
      try {
        head.parseRequest(limits.maxHeaderCount());
      } catch (Http1Head.Malformed malformed) {
        reject(malformed.status, malformed.getMessage());
        return false;
      }
      if (head.contentLength > limits.maxBodyBytes()) {
        reject(413, "declared body larger than the limit");
        return false;
      }
      Request next = spare != null && spare.reusable() ? spare : new Request(this);
      spare = next;
      request = next;
      next.reset(head);
      phase = next.hasBody ? Phase.BODY : Phase.WAIT;
      request.begin();
      return true;
    }

    /** Answers a request that could not be parsed, then closes: its framing is unknown. */
    private void reject(int status, String reason) {
      if (phase == Phase.CLOSED) {
        return;
      }
      LOG.debug("rejecting a request from {}: {} {}", peer, status, reason);
      rejections.count(status);
      phase = Phase.CLOSED;
      headDeadline = Long.MAX_VALUE;
      releaseInput();
      String title = HttpResponseStatus.valueOf(status).reasonPhrase();
      String body =
          "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + "}";
      ByteBuf out = ctx.alloc().buffer(160 + body.length());
      out.writeCharSequence(
          "HTTP/1.1 "
              + status
              + " "
              + title
              + "\r\ncontent-type: application/problem+json\r\ncontent-length: "
              + body.length()
              + "\r\nconnection: close\r\n\r\n"
              + body,
          StandardCharsets.US_ASCII);
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }

    /** The current request's response is complete: read the next one, or close. */
    private void requestDone(boolean keepOpen) {
      request = null;
      if (phase == Phase.CLOSED) {
        return;
      }
      if (!keepOpen || draining || closing) {
        phase = Phase.CLOSED;
        releaseInput();
        ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      phase = Phase.HEAD;
      if (!ctx.channel().config().isAutoRead()) {
        ctx.channel().config().setAutoRead(true);
      }
      if (in == null || !in.isReadable()) {
        armIdle();
      }
      process();
    }

    // This hop's Forwarded element and, for a peer that is not trusted, its forwarding fields as
    // sent: both depend only on the peer, which is fixed, and the host, which seldom changes.
    private String forwardingHost;
    private String forwardedElement;
    private byte[] untrustedFields;

    /** {@link ForwardedHeaders#untrustedFields} for {@code head}, as header lines. */
    byte[] untrustedForwardingFields(Http1Head head) {
      String element = forwardedElement(head);
      if (untrustedFields == null) {
        StringBuilder lines = new StringBuilder(192);
        forwarded.untrustedFields(
            seen(head),
            element,
            (name, value) -> lines.append(name).append(": ").append(value).append("\r\n"));
        untrustedFields = lines.toString().getBytes(StandardCharsets.ISO_8859_1);
      }
      return untrustedFields;
    }

    /** This hop's {@code Forwarded} element, kept while the client sends the same Host. */
    String forwardedElement(Http1Head head) {
      if (forwardedElement == null || !java.util.Objects.equals(forwardingHost, head.host)) {
        forwardedElement = ForwardedHeaders.forwardedElement(seen(head));
        forwardingHost = head.host;
        untrustedFields = null;
      }
      return forwardedElement;
    }

    ForwardedHeaders.Seen seen(Http1Head head) {
      return new ForwardedHeaders.Seen(peer, "http", head.host, head.http10 ? "1.0" : "1.1");
    }

    private void armIdle() {
      headDeadline = System.nanoTime() + limits.idleTimeout().toNanos();
    }

    /** Run by the loop's sweep: acts on whichever deadline of this connection has passed. */
    void checkTimeouts(long now) {
      if (phase == Phase.HEAD && now - headDeadline > 0) {
        headDeadline = Long.MAX_VALUE;
        if (headStarted) {
          reject(408, "the request head did not arrive in time");
        } else {
          phase = Phase.CLOSED;
          ctx.close();
        }
        return;
      }
      if (request != null) {
        request.checkTimeouts(now);
      }
    }

    private void releaseInput() {
      if (in != null) {
        in.release();
        in = null;
      }
    }

    /** Draining: an idle connection closes now, a busy one after its response. */
    void drain() {
      ctx.executor()
          .execute(
              () -> {
                closing = true;
                if (request == null && phase == Phase.HEAD && !headStarted) {
                  phase = Phase.CLOSED;
                  ctx.close();
                }
              });
    }

    void forceClose() {
      ctx.channel().close();
    }
  }

  private enum Phase {
    HEAD,
    BODY,
    WAIT,
    CLOSED
  }

  /**
   * One request's way through a pool, from its head to the end of its response. A client connection
   * reuses one for its next request once this one is {@link #finished} and no callback of it is
   * outstanding ({@link #reusable}); {@link #reset} sets every field for the next one. The gate
   * must not keep it beyond the request, as it must not keep the head, which the connection reuses
   * as well.
   */
  private final class Request implements RelayRequest {
    final ClientConnection client;
    Http1Head head;
    String path;
    // The id: the client's as it came, or a new one as two numbers; text only when needed.
    // The valid X-Request-Id the client sent, copied into an array kept with the request (the
    // head's bytes are the connection's next message's once it is read): -1 when there is none.
    private byte[] incomingId = new byte[64];
    private int incomingIdLength = -1;
    long idHigh;
    long idLow;
    private String requestId;
    final TraceContext trace = TraceContext.reusable();
    long startNanos;
    boolean hasBody;
    boolean keepAlive;
    ChunkedFraming chunkedBody;
    ServerMetrics.ByMethod served;
    // Callbacks registered and not yet run (a decision, a queue wait, a connect): while any is,
    // this object must not serve another request, which the callback would take for its own.
    int outstanding;
    long bodyRemaining;
    boolean bodyDone;
    List<ByteBuf> pendingBody;
    int pendingBytes;
    long lastBodyRead;
    long lastResponseRead;
    // Balancing.
    RelayRoute route;
    UpstreamPool pool;
    long hash;
    long deadline;
    // The endpoints tried so far: the first alone, then a set only when it is needed.
    Endpoint firstTried;
    Set<Endpoint> tried;
    List<String> decisions;
    int attempts;
    int budgetedRetries;
    EdgeFailure lastFailure;
    // The current attempt (as Attempt does, without an object per attempt): its endpoint, when
    // it started, and whether its outcome is still to be reported.
    Endpoint attempted;
    long attemptStart;
    boolean attemptOpen;
    Endpoint endpoint;
    UpstreamLink link;
    // Answer.
    boolean responseStarted;
    boolean finished;
    int status;
    long bytesSent;
    // The endpoint of the last attempt, for the access log.
    Endpoint upstream;
    FailureKind failure;

    Request(ClientConnection client) {
      this.client = client;
      this.finished = true;
    }

    /** Whether nothing can reach this request any more, so that the next may reuse it. */
    boolean reusable() {
      return finished && outstanding == 0;
    }

    /** Makes this the request whose head {@code head} holds: every field as for a new one. */
    void reset(Http1Head head) {
      this.head = head;
      this.startNanos = System.nanoTime();
      this.requestId = null;
      this.outstanding = 0;
      this.pendingBody = null;
      this.pendingBytes = 0;
      this.lastBodyRead = 0;
      this.lastResponseRead = 0;
      this.route = null;
      this.pool = null;
      this.hash = 0;
      this.deadline = 0;
      this.firstTried = null;
      this.tried = null;
      this.decisions = null;
      this.attempts = 0;
      this.budgetedRetries = 0;
      this.lastFailure = null;
      this.attempted = null;
      this.attemptStart = 0;
      this.attemptOpen = false;
      this.endpoint = null;
      this.link = null;
      this.responseStarted = false;
      this.finished = false;
      this.status = 0;
      this.bytesSent = 0;
      this.upstream = null;
      this.failure = null;
      int query = head.target.indexOf('?');
      this.path = query < 0 ? head.target : head.target.substring(0, query);
      int incoming = -1;
      int traceparent = -1;
      for (int i = 0; i < head.count; i++) {
        if (head.kinds[i] == Http1Head.REQUEST_ID && incoming < 0) {
          incoming = i;
        } else if (head.kinds[i] == Http1Head.TRACEPARENT && traceparent < 0) {
          traceparent = i;
        }
      }
      // Both read in place: no text is made of either unless the access log asks for it.
      if (incoming >= 0
          && Exchange.isValidRequestId(
              head.bytes, head.valueStart[incoming], head.valueEnd[incoming])) {
        int length = head.valueEnd[incoming] - head.valueStart[incoming];
        if (incomingId.length < length) {
          incomingId = new byte[length];
        }
        System.arraycopy(head.bytes, head.valueStart[incoming], incomingId, 0, length);
        this.incomingIdLength = length;
        this.idHigh = 0;
        this.idLow = 0;
      } else {
        java.util.concurrent.ThreadLocalRandom random =
            java.util.concurrent.ThreadLocalRandom.current();
        this.incomingIdLength = -1;
        this.idHigh = random.nextLong();
        this.idLow = random.nextLong();
      }
      if (traceparent < 0) {
        trace.resetChildOf(null, 0, 0);
      } else {
        trace.resetChildOf(head.bytes, head.valueStart[traceparent], head.valueEnd[traceparent]);
      }
      this.hasBody = head.chunked || head.contentLength > 0;
      this.keepAlive = head.persistent();
      this.chunkedBody = head.chunked ? new ChunkedFraming(limits.maxBodyBytes()) : null;
      this.bodyRemaining = head.chunked ? -1 : Math.max(0, head.contentLength);
      this.bodyDone = !hasBody;
      this.served = accessLog.started(head.method);
    }

    @Override
    public String requestId() {
      String id = requestId;
      if (id == null) {
        id =
            incomingIdLength >= 0
                ? new String(incomingId, 0, incomingIdLength, StandardCharsets.ISO_8859_1)
                : Ids.hex(idHigh, idLow);
        requestId = id;
      }
      return id;
    }

    private void writeRequestId(ByteBuf out) {
      out.writeBytes(REQUEST_ID_FIELD);
      if (incomingIdLength >= 0) {
        out.writeBytes(incomingId, 0, incomingIdLength);
      } else {
        Ids.writeHex(idHigh, out);
        Ids.writeHex(idLow, out);
      }
      out.writeBytes(CRLF);
    }

    Set<Endpoint> tried() {
      if (tried == null) {
        if (firstTried == null) {
          return Set.of();
        }
        tried = Set.of(firstTried);
      }
      return tried;
    }

    void begin() {
      ContextInternal loopContext = client.vertxContext;
      ContextInternal outer = enter(loopContext);
      try {
        decide(loopContext);
      } finally {
        exit(loopContext, outer);
      }
    }

    private void decide(ContextInternal loopContext) {
      Future<RelayRoute> decided;
      try {
        decided = gate.decide(this);
      } catch (RuntimeException e) {
        decided = Future.failedFuture(e);
      }
      if (decided.isComplete()) {
        routed(decided);
        return;
      }
      // Decided elsewhere (a key fetch, the rate-limit store): go on on this connection's loop,
      // in its context.
      outstanding++;
      decided.onComplete(
          done -> {
            if (loopContext.inThread()) {
              ContextInternal outer = enter(loopContext);
              try {
                outstanding--;
                routed(done);
              } finally {
                exit(loopContext, outer);
              }
            } else {
              loopContext.runOnContext(
                  ignored -> {
                    outstanding--;
                    routed(done);
                  });
            }
          });
    }

    private void routed(AsyncResult<RelayRoute> decided) {
      if (finished) {
        // The client left, its body broke the rules or the decision came too late: the gate is
        // told all the same, so that what it began (a circuit breaker's permit) ends.
        if (decided.succeeded()) {
          decided
              .result()
              .completion()
              .done(
                  status == 0 ? 499 : status,
                  failure == null ? FailureKind.CLIENT_CLOSED : failure,
                  System.nanoTime() - startNanos);
        }
        return;
      }
      if (decided.failed()) {
        fail(FailureResponder.classify(decided.cause()));
        return;
      }
      route = decided.result();
      if (route.limits().maxBodyBytes().isPresent() && chunkedBody != null) {
        try {
          chunkedBody.capAt(route.limits().maxBodyBytes().getAsLong());
        } catch (ChunkedFraming.Invalid invalid) {
          bodyFailed(413, invalid.getMessage());
          return;
        }
      }
      pool = route.pool();
      var config = pool.config();
      long timeout = config.requestTimeout().toNanos();
      if (route.limits().timeout().isPresent()) {
        timeout = Math.min(timeout, route.limits().timeout().get().toNanos());
      }
      hash = hashKey(config.hash());
      deadline = startNanos + timeout;
      decisions = config.debugHeader().isPresent() ? new ArrayList<>(1) : null;
      upstream = null;
      pool.retryBudget().requestStarted();
      lastBodyRead = startNanos;
      attempt();
    }

    @Override
    public String method() {
      return head.method;
    }

    @Override
    public String target() {
      return head.target;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String query() {
      int mark = head.target.indexOf('?');
      return mark < 0 ? null : head.target.substring(mark + 1);
    }

    @Override
    public String host() {
      return head.host;
    }

    @Override
    public String requestedHost() {
      String forwardedHost = header(ForwardedHeaders.X_FORWARDED_HOST);
      return forwardedHost == null
          ? head.host
          : forwarded.requestedHost(client.peer, head.host, forwardedHost);
    }

    @Override
    public String peer() {
      return client.peer;
    }

    @Override
    public String clientAddress() {
      return client.peerTrusted
          ? forwarded.clientAddress(client.peer, headers(ForwardedHeaders.X_FORWARDED_FOR))
          : client.peer;
    }

    @Override
    public int fieldCount() {
      return head.count;
    }

    @Override
    public String fieldName(int index) {
      return new String(
          head.bytes,
          head.nameStart[index],
          head.nameEnd[index] - head.nameStart[index],
          StandardCharsets.US_ASCII);
    }

    @Override
    public boolean fieldNameIs(int index, String name) {
      return head.nameIs(index, name);
    }

    @Override
    public String fieldValue(int index) {
      return head.value(index);
    }

    @Override
    public String header(String name) {
      return head.value(name);
    }

    @Override
    public List<String> headers(String name) {
      List<String> values = null;
      for (int i = 0; i < head.count; i++) {
        if (head.nameIs(i, name)) {
          if (values == null) {
            values = new ArrayList<>(1);
          }
          values.add(head.value(i));
        }
      }
      return values == null ? List.of() : values;
    }

    private long hashKey(HashConfig config) {
      String key =
          switch (config.on()) {
            case HEADER -> head.value(config.name());
            case COOKIE -> cookie(head.value("cookie"), config.name());
            case CLIENT_ADDRESS -> client.peer;
            case PATH -> path;
          };
      return key == null || key.isEmpty()
          ? java.util.concurrent.ThreadLocalRandom.current().nextLong()
          : HashConfig.hash(key);
    }

    /** Reads the body bytes that have arrived; false when more are needed. */
    boolean readBody() {
      ByteBuf in = client.in;
      if (!in.isReadable()) {
        client.releaseInput();
        return false;
      }
      lastBodyRead = System.nanoTime();
      int take;
      if (chunkedBody != null) {
        try {
          take = chunkedBody.scan(in);
        } catch (ChunkedFraming.Invalid invalid) {
          bodyFailed(invalid.tooLarge ? 413 : 400, invalid.getMessage());
          return false;
        }
      } else {
        take = (int) Math.min(bodyRemaining, in.readableBytes());
        bodyRemaining -= take;
      }
      ByteBuf slice = in.readRetainedSlice(take);
      boolean done = chunkedBody != null ? chunkedBody.done() : bodyRemaining == 0;
      if (done) {
        bodyDone = true;
        client.phase = client.phase == Phase.CLOSED ? Phase.CLOSED : Phase.WAIT;
      }
      sendBody(slice);
      return true;
    }

    private void sendBody(ByteBuf slice) {
      if (link != null && link.sent) {
        link.channel.write(slice, link.channel.voidPromise());
        if (!link.channel.isWritable()) {
          client.ctx.channel().config().setAutoRead(false);
        }
        return;
      }
      if (pendingBody == null) {
        pendingBody = new ArrayList<>(2);
      }
      pendingBody.add(slice);
      pendingBytes += slice.readableBytes();
      if (pendingBytes > MAX_PENDING_BODY) {
        client.ctx.channel().config().setAutoRead(false);
      }
    }

    void checkTimeouts(long now) {
      if (finished) {
        return;
      }
      if (pool == null) {
        // The gate's own steps have their timeouts; this bounds a decision that never comes, as
        // the Vert.x listener's idle timeout would.
        if (route == null && now - startNanos > limits.idleTimeout().toNanos()) {
          fail(
              EdgeFailure.of(
                  FailureKind.UNAVAILABLE, "No decision on the request within the idle timeout"));
        }
        return;
      }
      // As with the Vert.x client: the deadline runs until the response head; then a body that
      // stalls for the pool's request timeout is cut, but one that keeps streaming is not.
      boolean overdue =
          responseStarted
              ? now - lastResponseRead > pool.config().requestTimeout().toNanos()
              : now - deadline > 0;
      if (overdue) {
        expire();
      } else if (!bodyDone && now - lastBodyRead > limits.bodyTimeout().toNanos()) {
        bodyFailed(408, "the request body stalled");
      }
    }

    /** The client's body broke the rules: the upstream attempt goes, the client gets told. */
    private void bodyFailed(int code, String reason) {
      if (finished) {
        return;
      }
      failure = code == 413 ? FailureKind.PAYLOAD_TOO_LARGE : FailureKind.BAD_REQUEST;
      if (attempted != null && link != null && !responseStarted) {
        // The endpoint is not to blame for what the client sent.
        report(Outcome.LOCAL_REJECTION);
      }
      dropLink();
      releasePending();
      if (responseStarted) {
        client.phase = Phase.CLOSED;
        client.ctx.close();
      } else {
        status = code;
        client.reject(code, reason);
      }
      finish(responseStarted);
    }

    void attempt() {
      long remainingNanos = deadline - System.nanoTime();
      if (remainingNanos <= 0) {
        fail(
            lastFailure != null
                ? lastFailure
                : EdgeFailure.of(
                    FailureKind.UPSTREAM_TIMEOUT,
                    "Pool " + pool.name() + ": the request deadline passed before an answer"));
        return;
      }
      UpstreamPool.Admission admission = pool.admit(tried(), hash, decisions, client.admission);
      if (admission.endpoint() == null) {
        if (admission.sawFull()) {
          waitForRoom(TimeUnit.NANOSECONDS.toMillis(remainingNanos), admission.releasesSeen());
          return;
        }
        fail(lastFailure != null ? lastFailure : pool.noHealthyEndpoint());
        return;
      }
      endpoint = admission.endpoint();
      if (firstTried == null) {
        firstTried = endpoint;
      } else {
        Set<Endpoint> more = new HashSet<>(tried());
        more.add(endpoint);
        tried = more;
      }
      attempts++;
      upstream = endpoint;
      attempted = endpoint;
      attemptStart = System.nanoTime();
      attemptOpen = true;
      UpstreamLink idle = takeIdle(endpoint);
      if (idle != null) {
        idle.start(this, true);
        return;
      }
      connect(endpoint, remainingNanos);
    }

    private void waitForRoom(long remainingMillis, long releasesSeen) {
      long queued = System.nanoTime();
      ContextInternal loopContext = client.vertxContext;
      outstanding++;
      Future<Void> room;
      // The queue's timer and wake-up run on this loop's context.
      ContextInternal outer = enter(loopContext);
      try {
        room = pool.queue().await(Math.max(1, remainingMillis), releasesSeen);
      } finally {
        exit(loopContext, outer);
      }
      room.onComplete(
          woken ->
              loopContext.runOnContext(
                  ignored -> {
                    outstanding--;
                    pool.meters()
                        .queueWait()
                        .record(System.nanoTime() - queued, TimeUnit.NANOSECONDS);
                    if (finished) {
                      if (woken.succeeded()) {
                        // The room this waiter was given goes to the next one.
                        pool.queue().wakeOne();
                      }
                      return;
                    }
                    if (woken.succeeded()) {
                      attempt();
                      return;
                    }
                    fail(pool.rejected(woken.cause(), deadline));
                  }));
    }

    private void connect(Endpoint target, long remainingNanos) {
      UpstreamLink fresh = new UpstreamLink(target, pool.config().idleTimeout().toNanos());
      outstanding++;
      long timeout =
          Math.max(
              1,
              Math.min(
                  pool.config().connectTimeout().toMillis(),
                  TimeUnit.NANOSECONDS.toMillis(remainingNanos)));
      new Bootstrap()
          .group(client.ctx.channel().eventLoop())
          .channelFactory(upstreamChannels)
          .resolver(upstreamResolvers)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout))
          .handler(fresh)
          .connect(target.address().host(), target.address().port())
          .addListener(
              (ChannelFutureListener)
                  future -> {
                    outstanding--;
                    if (future.isSuccess()) {
                      if (finished) {
                        // The client left or the deadline passed while connecting: keep the
                        // connection for the next request.
                        pool.release(target);
                        fresh.idle();
                      } else {
                        fresh.start(this, false);
                      }
                      return;
                    }
                    if (finished) {
                      pool.release(target);
                      return;
                    }
                    connectFailed(target, future.cause());
                  });
    }

    private void connectFailed(Endpoint target, Throwable cause) {
      pool.release(target);
      endpoint = null;
      report(Outcome.CONNECT_FAILURE);
      lastFailure = AttemptFailures.connectFailure(pool.name(), Outcome.CONNECT_FAILURE, cause);
      retryOrFail(Outcome.CONNECT_FAILURE, true);
    }

    /** The link is connected and ours: the head and whatever body arrived go out. */
    void send(UpstreamLink to) {
      link = to;
      Channel channel = to.channel;
      channel.write(requestHead(to), channel.voidPromise());
      if (pendingBody != null) {
        for (ByteBuf slice : pendingBody) {
          channel.write(slice, channel.voidPromise());
        }
        pendingBody = null;
        pendingBytes = 0;
      }
      to.sent = true;
      channel.flush();
      if (!bodyDone) {
        client.ctx.channel().config().setAutoRead(channel.isWritable());
      }
    }

    /** The upstream's response head arrived; false when the request goes elsewhere instead. */
    boolean responseHead(Http1Head response) {
      int code = response.status;
      if (retryOnStatus(code)) {
        report(Outcome.SERVER_ERROR);
        lastFailure =
            EdgeFailure.of(FailureKind.UNAVAILABLE, "Pool " + pool.name() + " answered " + code);
        pool.meters().retry(String.valueOf(code));
        dropLink();
        attempt();
        return false;
      }
      report(code >= 500 ? Outcome.SERVER_ERROR : Outcome.SUCCESS);
      responseStarted = true;
      status = code;
      return true;
    }

    /** Reports the current attempt's outcome, once. */
    void report(Outcome outcome) {
      if (attemptOpen) {
        attemptOpen = false;
        pool.outcomes().report(attempted, outcome, attemptStart);
      }
    }

    private boolean retryOnStatus(int code) {
      var retry = pool.config().retry();
      if (retry.retriesOnStatus(code)
          && attempts < retry.attempts()
          && deadline - System.nanoTime() > 0
          && retry.mayRetrySent(head.method, hasBody)
          && pool.pool().hasUsableOutside(tried())
          && pool.retryBudget().tryStartRetry()) {
        budgetedRetries++;
        return true;
      }
      return false;
    }

    /** The upstream link failed before the response was complete. */
    void upstreamFailed(Outcome outcome, Throwable cause, boolean reusedAndSilent) {
      link = null;
      pool.release(endpoint);
      if (finished) {
        return;
      }
      if (responseStarted) {
        // Part of the answer is out: the client must see it cut short, never shorter.
        failure = FailureKind.UPSTREAM_RESET;
        failures.record(
            requestId(), path, AttemptFailures.sentFailure(pool.name(), outcome, cause));
        client.phase = Phase.CLOSED;
        client.ctx.close();
        finish(true);
        return;
      }
      if (reusedAndSilent && !hasBody) {
        // A kept-alive connection the endpoint had closed as we picked it: it never saw the
        // request, so try again on a fresh one without counting it against the endpoint.
        Set<Endpoint> others = new HashSet<>(tried());
        others.remove(endpoint);
        tried = others;
        attempts--;
        attempt();
        return;
      }
      report(outcome);
      lastFailure = AttemptFailures.sentFailure(pool.name(), outcome, cause);
      retryOrFail(outcome, false);
    }

    private void retryOrFail(Outcome outcome, boolean neverSent) {
      var retry = pool.config().retry();
      boolean allowed =
          attempts < retry.attempts()
              && !finished
              && bodyDone
              && pendingBody == null
              && (neverSent && outcome.neverReachedEndpoint()
                  || retry.retriesOn(outcome)
                      && retry.mayRetrySent(head.method, hasBody)
                      && takeBudget());
      if (!allowed) {
        fail(lastFailure);
        return;
      }
      pool.meters().retry(dev.edgestack.runtime.config.ConfigNode.spelling(outcome));
      attempt();
    }

    private boolean takeBudget() {
      if (pool.retryBudget().tryStartRetry()) {
        budgetedRetries++;
        return true;
      }
      return false;
    }

    /** The deadline passed: whatever is on the wire goes, and the client gets a 504. */
    private void expire() {
      if (finished) {
        return;
      }
      if (attempted != null && link != null) {
        report(Outcome.TIMEOUT);
      }
      boolean started = responseStarted;
      dropLink();
      if (started) {
        failure = FailureKind.UPSTREAM_TIMEOUT;
        client.phase = Phase.CLOSED;
        client.ctx.close();
        finish(true);
        return;
      }
      fail(
          EdgeFailure.of(
              FailureKind.UPSTREAM_TIMEOUT,
              "Pool " + pool.name() + " did not answer within the request deadline"));
    }

    private void dropLink() {
      if (link != null) {
        UpstreamLink dropped = link;
        link = null;
        dropped.abandon();
        pool.release(endpoint);
      }
    }

    /** The client went away: the attempt on the wire is cancelled. */
    void clientGone() {
      if (finished) {
        return;
      }
      if (attempted != null && link != null && !responseStarted) {
        report(Outcome.CANCELLED);
      }
      dropLink();
      releasePending();
      failure = failure == null && !responseStarted ? FailureKind.CLIENT_CLOSED : failure;
      finish(true);
    }

    /** Answers with a problem (before any of a response went out) and ends the request. */
    void fail(EdgeFailure error) {
      if (finished) {
        return;
      }
      EdgeFailure recorded = failures.record(requestId(), path, error);
      failure = recorded.kind();
      releasePending();
      if (client.phase == Phase.CLOSED) {
        finish(true);
        return;
      }
      status = failure.status();
      Buffer body = FailureResponder.problem(recorded, path, requestId());
      ByteBuf out = client.ctx.alloc().buffer(256 + body.length());
      writeStatusLine(out, status);
      writeField(out, "content-type", FailureResponder.PROBLEM_JSON);
      writeField(out, "content-length", Integer.toString(body.length()));
      writeField(out, Exchange.REQUEST_ID, requestId());
      boolean closeAsked = false;
      for (Map.Entry<String, String> field : recorded.headers().entrySet()) {
        if (field.getKey().equalsIgnoreCase("connection")) {
          // The relay owns the connection fields: such a failure asks for the connection to close.
          closeAsked = field.getValue().equalsIgnoreCase("close");
          continue;
        }
        writeField(out, field.getKey(), field.getValue());
      }
      // The rest of an unread body cannot be skipped reliably: such a connection closes.
      boolean keepOpen = keepAlive && bodyDone && !closeAsked && !client.closing && !draining;
      out.writeBytes(keepOpen ? (head.http10 ? KEEP_ALIVE : new byte[0]) : CLOSE);
      out.writeBytes(CRLF);
      out.writeBytes(body.getBytes());
      bytesSent = out.readableBytes();
      client.ctx.writeAndFlush(out, client.ctx.voidPromise());
      finish(false);
      if (!keepOpen) {
        client.phase = Phase.CLOSED;
        client.releaseInput();
        client
            .ctx
            .writeAndFlush(client.ctx.alloc().buffer(0))
            .addListener(ChannelFutureListener.CLOSE);
      } else {
        client.requestDone(true);
      }
    }

    /** The whole response went out. */
    void responseDone(boolean linkReusable, boolean clientKeepOpen) {
      UpstreamLink done = link;
      link = null;
      pool.release(endpoint);
      if (done != null) {
        if (linkReusable && bodyDone) {
          done.idle();
        } else {
          done.abandon();
        }
      }
      finish(false);
      client.requestDone(clientKeepOpen && bodyDone);
    }

    private void finish(boolean aborted) {
      if (finished) {
        return;
      }
      finished = true;
      if (pool != null) {
        pool.retryBudget().requestFinished();
        for (int i = 0; i < budgetedRetries; i++) {
          pool.retryBudget().retryFinished();
        }
      }
      // A route without a completion (edge-lb's, internal-lb's) needs no context here.
      if (route != null && route.completion() != RelayRoute.Completion.NONE) {
        ContextInternal loopContext = client.vertxContext;
        ContextInternal outer = enter(loopContext);
        try {
          route
              .completion()
              .done(
                  aborted && !responseStarted && status == 0 ? 499 : status,
                  failure,
                  System.nanoTime() - startNanos);
        } finally {
          exit(loopContext, outer);
        }
      }
      accessLog.count(served, status, startNanos, aborted);
      if (accessLog.writesLines()) {
        accessLog.write(
            new AccessLog.Entry(
                requestId(),
                trace.traceId(),
                head.method,
                path,
                status,
                startNanos,
                bytesSent,
                client.peer,
                upstream == null ? null : pool.name() + "/" + upstream.address(),
                failure,
                aborted),
            null);
      }
    }

    private void releasePending() {
      if (pendingBody != null) {
        pendingBody.forEach(ByteBuf::release);
        pendingBody = null;
        pendingBytes = 0;
      }
    }

    /** The head sent upstream: the client's, with hop-by-hop fields gone and ours set. */
    private ByteBuf requestHead(UpstreamLink to) {
      return client.peerTrusted ? trustedRequestHead(to) : untrustedRequestHead(to);
    }

    /**
     * {@link #requestHead} for a trusted proxy (the tier in front: edge-lb for a gateway, a gateway
     * for internal-lb): the peer's forwarding values are gathered while the head is copied, then
     * extended by {@link ForwardedHeaders#trustedFields}, and this tier appended to {@code Via}.
     */
    private ByteBuf trustedRequestHead(UpstreamLink to) {
      ByteBuf out = requestLine();
      boolean hasProto = false;
      boolean hasHost = false;
      for (int i = 0; i < head.count; i++) {
        byte kind = head.kinds[i];
        if (kind == Http1Head.X_FORWARDED_FOR
            || kind == Http1Head.FORWARDED
            || kind == Http1Head.VIA) {
          continue;
        }
        hasProto |= kind == Http1Head.X_FORWARDED_PROTO;
        hasHost |= kind == Http1Head.X_FORWARDED_HOST;
        if (kind == Http1Head.HOST
            || kind == Http1Head.REQUEST_ID
            || kind == Http1Head.TRACEPARENT
            || head.hopByHop(i)
            || kind == Http1Head.OTHER && route.requestEdits().removes(head, i)) {
          continue;
        }
        copyLine(head, i, out);
      }
      // What ForwardedHeaders.trustedFields writes, in its order, from the head's bytes: no text
      // is made of the peer's values (two trusted hops per request in the hybrid chain).
      writeExtended(out, head, X_FORWARDED_FOR_FIELD, Http1Head.X_FORWARDED_FOR, client.peer);
      if (!hasProto) {
        out.writeBytes(X_FORWARDED_PROTO_HTTP);
      }
      if (!hasHost && head.host != null) {
        writeField(out, ForwardedHeaders.X_FORWARDED_HOST, head.host);
      }
      writeExtended(out, head, FORWARDED_FIELD, Http1Head.FORWARDED, client.forwardedElement(head));
      writeViaAfter(out, head);
      return finishRequestHead(out, to);
    }

    /**
     * This tier's Via after the Via values of {@code message} (this request's, or its answer's).
     */
    private void writeViaAfter(ByteBuf out, Http1Head message) {
      if (hasValues(message, Http1Head.VIA)) {
        writeExtended(out, message, VIA_FIELD, Http1Head.VIA, viaHop[head.http10 ? 1 : 0]);
      } else {
        out.writeBytes(viaAlone[head.http10 ? 1 : 0]);
      }
    }

    /**
     * {@link #requestHead} for a peer that is not a trusted proxy, the usual case at the edge,
     * without building edits: every forwarding field of the client is replaced, as {@link
     * ForwardedHeaders#applyToRequest} does for such a peer.
     */
    private ByteBuf untrustedRequestHead(UpstreamLink to) {
      ByteBuf out = requestLine();
      String via = "";
      for (int i = 0; i < head.count; i++) {
        byte kind = head.kinds[i];
        if (kind == Http1Head.VIA) {
          via = via.isEmpty() ? head.value(i) : via + ", " + head.value(i);
          continue;
        }
        if (kind == Http1Head.HOST
            || kind == Http1Head.REQUEST_ID
            || kind == Http1Head.TRACEPARENT
            || kind >= Http1Head.X_FORWARDED_FOR
            || head.hopByHop(i)
            || kind == Http1Head.OTHER && route.requestEdits().removes(head, i)) {
          continue;
        }
        copyLine(head, i, out);
      }
      out.writeBytes(client.untrustedForwardingFields(head));
      writeVia(out, via);
      return finishRequestHead(out, to);
    }

    /** This tier's Via after {@code existing} (the joined values, possibly empty). */
    private void writeVia(ByteBuf out, String existing) {
      if (existing.isEmpty()) {
        out.writeBytes(viaAlone[head.http10 ? 1 : 0]);
      } else {
        writeField(out, ForwardedHeaders.VIA, forwarded.via(existing, head.http10 ? "1.0" : "1.1"));
      }
    }

    private ByteBuf requestLine() {
      ByteBuf out = client.ctx.alloc().buffer(head.end + 512);
      Optional<String> target = route.target();
      if (target.isPresent()) {
        out.writeCharSequence(head.method, StandardCharsets.US_ASCII);
        out.writeByte(' ');
        out.writeCharSequence(target.get(), StandardCharsets.ISO_8859_1);
      } else {
        // The method and target as they came.
        out.writeBytes(head.bytes, 0, head.targetEnd);
      }
      // An HTTP/1.0 client's request goes on as HTTP/1.0, so that no chunked answer comes back
      // that it could not read; such upstream connections then close after the response.
      out.writeBytes(head.http10 ? HTTP10 : HTTP11);
      return out;
    }

    private ByteBuf finishRequestHead(ByteBuf out, UpstreamLink to) {
      writeFields(route.requestEdits(), out);
      out.writeBytes(to.hostLine);
      writeRequestId(out);
      out.writeBytes(TRACEPARENT_FIELD);
      trace.writeTraceparent(out);
      out.writeBytes(CRLF);
      if (head.chunked) {
        out.writeBytes(CHUNKED);
      }
      out.writeBytes(CRLF);
      return out;
    }

    /**
     * The head sent to the client: the upstream's, with hop-by-hop fields gone and ours set, in a
     * buffer with room for {@code bodyRoom} more bytes.
     */
    ByteBuf responseHeadFor(Http1Head response, boolean closeAfter, int bodyRoom) {
      ByteBuf out = client.ctx.alloc().buffer(response.end + 256 + bodyRoom);
      out.writeBytes(STATUS11);
      int lineEnd = 9;
      while (response.bytes[lineEnd] != '\r') {
        lineEnd++;
      }
      out.writeBytes(response.bytes, 9, lineEnd - 9);
      out.writeBytes(CRLF);
      for (int i = 0; i < response.count; i++) {
        byte kind = response.kinds[i];
        if (kind == Http1Head.VIA) {
          continue;
        }
        if (kind == Http1Head.REQUEST_ID
            || response.hopByHop(i)
            || kind == Http1Head.CONTENT_LENGTH && response.chunked
            || kind == Http1Head.OTHER && route.responseEdits().removes(response, i)) {
          continue;
        }
        copyLine(response, i, out);
      }
      writeFields(route.responseEdits(), out);
      writeViaAfter(out, response);
      writeRequestId(out);
      Optional<String> debugHeader = pool.config().debugHeader();
      if (debugHeader.isPresent()) {
        writeField(out, debugHeader.get(), pool.debugValue(decisions));
      }
      if (response.chunked) {
        out.writeBytes(CHUNKED);
      }
      if (closeAfter) {
        out.writeBytes(CLOSE);
      } else if (head.http10) {
        out.writeBytes(KEEP_ALIVE);
      }
      out.writeBytes(CRLF);
      return out;
    }
  }

  /**
   * One keep-alive connection to an endpoint, owned by one event loop: it carries one request at a
   * time and parses the response's framing to know where the response ends.
   */
  private final class UpstreamLink extends ChannelInboundHandlerAdapter {
    final Endpoint endpoint;
    // How long it may wait idle for the next request: its pool's idle timeout when it opened (a
    // reload that changes the timeout applies to the connections opened after it).
    final long maxIdle;
    // The Host line of every request on this link.
    final byte[] hostLine;
    // Each response's head in turn.
    final Http1Head heads = new Http1Head();
    Channel channel;
    Request request;
    boolean sent;
    boolean reused;
    long idleSince;
    ByteBuf in;
    int scanFrom;
    Http1Head response;
    long remaining;
    ChunkedFraming chunked;
    boolean untilClose;
    boolean closeAfter;
    boolean sawBytes;

    UpstreamLink(Endpoint endpoint, long maxIdle) {
      this.endpoint = endpoint;
      this.maxIdle = maxIdle;
      this.hostLine = fieldLine("host", endpoint.address().toString());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel = ctx.channel();
    }

    void start(Request owner, boolean wasIdle) {
      request = owner;
      reused = wasIdle;
      sent = false;
      sawBytes = false;
      response = null;
      scanFrom = 0;
      chunked = null;
      untilClose = false;
      if (!channel.config().isAutoRead()) {
        channel.config().setAutoRead(true);
      }
      owner.send(this);
    }

    /** Idle for longer than it may wait for the next request. */
    boolean stale(long now) {
      return now - idleSince >= maxIdle;
    }

    /** Back to this event loop's idle connections for its endpoint. */
    void idle() {
      request = null;
      if (!channel.isActive() || draining) {
        channel.close();
        return;
      }
      idleSince = System.nanoTime();
      loops.get().idle.computeIfAbsent(endpoint, ignored -> new ArrayDeque<>()).push(this);
    }

    /** Given up mid-exchange: the connection's state is unknown, so it closes. */
    void abandon() {
      request = null;
      releaseInput();
      channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      Request owner = request;
      if (owner == null) {
        // Bytes on an idle connection: the endpoint is confused; never reuse it.
        bytes.release();
        removeIdle();
        ctx.close();
        return;
      }
      sawBytes = true;
      owner.lastResponseRead = System.nanoTime();
      if (response != null) {
        relayBody(owner, bytes, null);
        return;
      }
      in =
          in == null
              ? bytes
              : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in, bytes);
      while (response == null && in != null) {
        int end = Http1Head.findEnd(in, scanFrom);
        if (end < 0) {
          if (in.readableBytes() > MAX_RESPONSE_HEAD) {
            badResponse(owner, "response head too large");
          } else {
            scanFrom = Math.max(in.readerIndex(), in.writerIndex() - 3);
          }
          return;
        }
        scanFrom = 0;
        Http1Head parsed = heads;
        parsed.load(in, end - in.readerIndex());
        try {
          parsed.parseResponse(MAX_RESPONSE_FIELDS);
        } catch (Http1Head.Malformed malformed) {
          badResponse(owner, malformed.getMessage());
          return;
        }
        if (parsed.status < 200) {
          if (parsed.status == 101) {
            badResponse(owner, "unexpected protocol switch");
            return;
          }
          // Interim answers (100 Continue, 103 Early Hints) go to the client as they are.
          // A copy: the next head is loaded over these bytes before the write may happen.
          owner.client.ctx.write(
              Unpooled.copiedBuffer(parsed.bytes, 0, parsed.end), owner.client.ctx.voidPromise());
          continue;
        }
        if (!owner.responseHead(parsed)) {
          return;
        }
        response = parsed;
        boolean bodiless =
            owner.head.method.equals("HEAD") || parsed.status == 204 || parsed.status == 304;
        chunked = !bodiless && parsed.chunked ? new ChunkedFraming(-1) : null;
        untilClose = !bodiless && !parsed.chunked && parsed.contentLength < 0;
        remaining = bodiless ? 0 : Math.max(0, parsed.contentLength);
        closeAfter =
            untilClose || !owner.keepAlive || owner.client.closing || draining || !owner.bodyDone;
        ByteBuf out =
            owner.responseHeadFor(parsed, closeAfter, Math.min(in.readableBytes(), SMALL_BODY));
        owner.bytesSent += out.readableBytes();
        ByteBuf rest = in;
        in = null;
        relayBody(owner, rest, out);
      }
    }

    /**
     * Relays what of {@code bytes} belongs to the response; {@code head}, when given, is the
     * response head not yet written, which a small body part joins.
     */
    private void relayBody(Request owner, ByteBuf bytes, ByteBuf head) {
      ChannelHandlerContext client = owner.client.ctx;
      int take;
      boolean complete;
      if (untilClose) {
        take = bytes.readableBytes();
        complete = false;
      } else if (chunked != null) {
        try {
          take = chunked.scan(bytes);
        } catch (ChunkedFraming.Invalid invalid) {
          bytes.release();
          if (head != null) {
            client.write(head, client.voidPromise());
          }
          cutShort(owner, "malformed chunked response");
          return;
        }
        complete = chunked.done();
      } else {
        take = (int) Math.min(remaining, bytes.readableBytes());
        remaining -= take;
        complete = remaining == 0;
      }
      if (take > 0) {
        owner.bytesSent += take;
        if (head != null && take <= SMALL_BODY) {
          head.writeBytes(bytes, bytes.readerIndex(), take);
        } else {
          if (head != null) {
            client.write(head, client.voidPromise());
            head = null;
          }
          client.write(bytes.retainedSlice(bytes.readerIndex(), take), client.voidPromise());
        }
      }
      if (head != null) {
        client.write(head, client.voidPromise());
      }
      boolean extra = bytes.readableBytes() > take;
      bytes.release();
      if (!client.channel().isWritable()) {
        channel.config().setAutoRead(false);
      }
      if (complete) {
        client.flush();
        boolean keepLink = response.persistent();
        response = null;
        owner.responseDone(!extra && keepLink, !closeAfter);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      Request owner = request;
      if (owner != null) {
        owner.client.ctx.flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      Request owner = request;
      if (owner != null && !owner.bodyDone) {
        owner.client.ctx.channel().config().setAutoRead(ctx.channel().isWritable());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      releaseInput();
      Request owner = request;
      request = null;
      if (owner == null) {
        removeIdle();
        return;
      }
      if (response != null && untilClose) {
        // The end of a response framed by closing the connection.
        owner.client.ctx.flush();
        response = null;
        owner.responseDone(false, false);
        return;
      }
      if (response != null) {
        response = null;
      }
      owner.upstreamFailed(
          Outcome.RESET,
          new java.io.IOException("the endpoint closed the connection"),
          reused && !sawBytes);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("upstream connection to {} failed: {}", endpoint.address(), cause.toString());
      ctx.close();
    }

    private void badResponse(Request owner, String reason) {
      releaseInput();
      request = null;
      channel.close();
      owner.report(Outcome.SERVER_ERROR);
      owner.link = null;
      owner.pool.release(owner.endpoint);
      owner.fail(
          EdgeFailure.of(
              FailureKind.BAD_UPSTREAM_RESPONSE,
              "Pool " + owner.pool.name() + " sent a malformed response: " + reason));
    }

    private void cutShort(Request owner, String reason) {
      releaseInput();
      request = null;
      if (response != null) {
        response = null;
      }
      channel.close();
      owner.upstreamFailed(Outcome.RESET, new java.io.IOException(reason), false);
    }

    private void removeIdle() {
      ArrayDeque<UpstreamLink> idle = loops.get().idle.get(endpoint);
      if (idle != null) {
        idle.remove(this);
      }
    }

    private void releaseInput() {
      if (in != null) {
        in.release();
        in = null;
      }
    }
  }

  /**
   * An idle kept-alive connection to {@code endpoint} on this event loop, or null; one idle past
   * its pool's request timeout is closed instead (the Vert.x client's pool keeps them as long).
   */
  private UpstreamLink takeIdle(Endpoint endpoint) {
    ArrayDeque<UpstreamLink> idle = loops.get().idle.get(endpoint);
    if (idle == null) {
      return null;
    }
    while (true) {
      UpstreamLink link = idle.poll();
      if (link == null) {
        return null;
      }
      if (link.channel.isActive() && !link.stale(System.nanoTime())) {
        return link;
      }
      link.channel.close();
    }
  }

  private static void copyLine(Http1Head head, int index, ByteBuf out) {
    out.writeBytes(head.bytes, head.nameStart[index], head.nameEnd[index] - head.nameStart[index]);
    out.writeByte(':');
    out.writeByte(' ');
    out.writeBytes(
        head.bytes, head.valueStart[index], head.valueEnd[index] - head.valueStart[index]);
    out.writeBytes(CRLF);
  }

  /** {@code name: value} and CRLF, as bytes to write as they are. */
  /**
   * {@code field} (name, colon and space) with the values of every field of {@code kind} in {@code
   * message} joined by commas, then {@code appended}: only {@code appended} when they are blank
   * together, as the joined text's {@code isBlank()} is in {@link ForwardedHeaders#trustedFields}.
   * No text is made of the values.
   */
  private static void writeExtended(
      ByteBuf out, Http1Head message, byte[] field, byte kind, String appended) {
    out.writeBytes(field);
    if (hasValues(message, kind)) {
      boolean first = true;
      for (int i = 0; i < message.count; i++) {
        if (message.kinds[i] == kind) {
          if (!first) {
            out.writeBytes(COMMA_SPACE);
          }
          out.writeBytes(
              message.bytes, message.valueStart[i], message.valueEnd[i] - message.valueStart[i]);
          first = false;
        }
      }
      out.writeBytes(COMMA_SPACE);
    }
    out.writeCharSequence(appended, StandardCharsets.ISO_8859_1);
    out.writeBytes(CRLF);
  }

  /** Whether the values of the fields of {@code kind}, joined by commas, are not blank. */
  private static boolean hasValues(Http1Head message, byte kind) {
    int fields = 0;
    boolean blank = true;
    for (int i = 0; i < message.count; i++) {
      if (message.kinds[i] == kind) {
        fields++;
        for (int b = message.valueStart[i]; b < message.valueEnd[i] && blank; b++) {
          blank = Character.isWhitespace((char) (message.bytes[b] & 0xff));
        }
      }
    }
    // Two fields or more join with a comma, which is not blank.
    return fields > 1 || fields == 1 && !blank;
  }

  private static byte[] fieldStart(String name) {
    return (name + ": ").getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] fieldLine(String name, String value) {
    return (name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void writeField(ByteBuf out, String name, String value) {
    out.writeCharSequence(name, StandardCharsets.US_ASCII);
    out.writeByte(':');
    out.writeByte(' ');
    out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
    out.writeBytes(CRLF);
  }

  private static void writeFields(RelayFieldEdits edits, ByteBuf out) {
    for (int i = 0, n = edits.addedCount(); i < n; i++) {
      writeField(out, edits.addedName(i), edits.addedValue(i));
    }
  }

  private static void writeStatusLine(ByteBuf out, int status) {
    out.writeBytes(STATUS11);
    out.writeCharSequence(
        status + " " + HttpResponseStatus.valueOf(status).reasonPhrase(),
        StandardCharsets.US_ASCII);
    out.writeBytes(CRLF);
  }

  private static String cookie(String header, String name) {
    if (header == null) {
      return null;
    }
    for (String pair : header.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
        return pair.substring(eq + 1).trim();
      }
    }
    return null;
  }
}
