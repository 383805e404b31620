package dev.edgestack.gateway.bench;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.edgestack.gateway.config.ClusterConfig;
import dev.edgestack.gateway.config.LeaseConfig;
import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.ratelimit.ClusterMember;
import dev.edgestack.gateway.ratelimit.RateLimitStatus;
import dev.edgestack.gateway.ratelimit.RateLimitStore;
import dev.edgestack.gateway.ratelimit.RateLimiter;
import dev.edgestack.gateway.testing.FreePorts;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: what one {@code exact} decision costs in CPU, without HTTP or JWT around it. One
 * embedded member (or {@code members} members in this JVM, the caller on the first), one hot key,
 * {@code concurrency} decisions kept in flight from one event loop; prints decisions/s, the
 * process's CPU µs per decision, how many threads were started, and how the CPU splits over thread
 * groups: Linux task names (cut at 15 characters, JIT and GC threads included), then Java thread
 * names ({@code java: ...}), then threads that ended during the run.
 *
 * <pre>
 * mvn -o -q -pl api-gateway -am test-compile
 * (cd api-gateway &amp;&amp; mvn -o -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt)
 * . bench/jvm-options.sh
 * java "${JAVA_OPTS[@]}" -cp api-gateway/target/test-classes:api-gateway/target/classes:$(cat /tmp/cp.txt) \
 *     dev.edgestack.gateway.bench.ExactDecisionCost [seconds=10] [concurrency=8] [members=1] [key=hot]
 * </pre>
 *
 * <p>With {@code -Dlease=N} the policy is {@code leased} with {@code maxBatch} N: the CPU per
 * decision then includes a share of each lease refill.
 *
 * <p>With {@code -Dbare=true} the decisions start on an event loop without a Vert.x context, as the
 * relay's handlers did until session 6 (the relay now makes its loop's context current around gate
 * code, which the default, a context, matches); kept to price code that runs on a bare loop.
 */
public final class ExactDecisionCost {
  private static final AtomicLong UNDECIDED = new AtomicLong();
  private static final AtomicLong REJECTED = new AtomicLong();
  private static int depth;
  private static java.util.concurrent.Executor loopExecutor;

  private ExactDecisionCost() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int members = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    RateLimitConfig exact = RateLimitConfig.of("bench", 1_000_000, Duration.ofSeconds(1));
    // -Dlease=N: a leased policy with maxBatch N instead, to price its refills the same way.
    Integer lease = Integer.getInteger("lease");
    RateLimitConfig policy =
        lease == null ? exact : exact.withLease(new LeaseConfig(lease, LeaseConfig.DEFAULT.ttl()));
    List<String> addresses = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      int port = FreePorts.next();
      ports.add(port);
      addresses.add("127.0.0.1:" + port);
    }
    String name = "cost-" + UUID.randomUUID();
    List<HazelcastInstance> instances = new ArrayList<>();
    for (int port : ports) {
      instances.add(
          Hazelcast.newHazelcastInstance(
              ClusterMember.hazelcastConfig(
                  new ClusterConfig(name, "127.0.0.1", port, addresses, 11), List.of(policy))));
    }
    Vertx vertx = Vertx.vertx();
    HazelcastInstance caller = instances.get(0);
    RateLimiter limiter =
        new RateLimiter(
            List.of(policy),
            RateLimitStore.hazelcast(vertx, () -> Optional.of(caller)),
            vertx,
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    try {
      // The first call arranges the partition table, which takes longer than a store timeout.
      caller.getMap("warm-up").put("warm-up", "warm-up");
      String key = args.length > 3 ? args[3] : "hot";
      run(vertx, limiter, policy.name(), key, concurrency, Integer.getInteger("warmup", 5));
      Map<String, Long> before = threadCpu();
      long startedBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
      long cpuBefore = processCpu();
      UNDECIDED.set(0);
      REJECTED.set(0);
      long count = run(vertx, limiter, policy.name(), key, concurrency, seconds);
      long cpu = processCpu() - cpuBefore;
      Map<String, Long> after = threadCpu();
      System.out.printf(
          "threads started during the run: %d%n",
          ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - startedBefore);
      System.out.printf(
          "members=%d concurrency=%d: %.0f decisions/s (%d not by the store, %d rejected), %.1f µs"
              + " CPU per decision%n",
          members,
          concurrency,
          count / (double) seconds,
          UNDECIDED.get(),
          REJECTED.get(),
          cpu / 1_000.0 / count);
      long[] tasks = new long[1];
      after.forEach(
          (group, nanos) -> {
            long used = nanos - before.getOrDefault(group, 0L);
            if (!group.startsWith("java: ")) {
              tasks[0] += used;
            }
            if (used > cpu / 200) {
              System.out.printf("  %-50s %8.1f µs%n", group, used / 1_000.0 / count);
            }
          });
      System.out.printf(
          "  %-50s %8.1f µs%n",
          "(threads that ended during the run)", (cpu - tasks[0]) / 1_000.0 / count);
    } finally {
      limiter.close();
      vertx.close().await(10, TimeUnit.SECONDS);
      instances.forEach(HazelcastInstance::shutdown);
    }
  }

  private static long run(
      Vertx vertx, RateLimiter limiter, String policy, String key, int concurrency, int seconds)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(concurrency);
    // -Dbare=true: from an event loop without a Vert.x context (see the class comment).
    Context context = vertx.getOrCreateContext();
    loopExecutor =
        Boolean.getBoolean("bare")
            ? ((io.vertx.core.internal.VertxInternal) vertx).nettyEventLoopGroup().next()
            : task -> context.runOnContext(ignored -> task.run());
    List<String> policies = List.of(policy);
    for (int i = 0; i < concurrency; i++) {
      loopExecutor.execute(() -> loop(limiter, policies, key, done, stop, finished));
    }
    TimeUnit.SECONDS.sleep(seconds);
    stop.set(true);
    long count = done.get();
    finished.await(10, TimeUnit.SECONDS);
    return count;
  }

  private static void loop(
      RateLimiter limiter,
      List<String> policies,
      String key,
      AtomicLong done,
      AtomicBoolean stop,
      CountDownLatch finished) {
    if (depth > 0) {
      // Called back from within a decision (one decided at once, breaker open): go on from the
      // event loop, not deeper in this stack.
      loopExecutor.execute(() -> loop(limiter, policies, key, done, stop, finished));
      return;
    }
    depth++;
    try {
      while (true) {
        Future<List<RateLimitStatus>> decided = limiter.admit(policies, k -> key);
        if (!decided.isComplete()) {
          decided.onComplete(
              result -> {
                if (counted(result, done, stop, finished)) {
                  loop(limiter, policies, key, done, stop, finished);
                }
              });
          return;
        }
        // Decided at once (a live lease): the next one goes on here. Called back instead, each
        // decision was a frame deeper, and thousands in a row (a large lease) overflowed the stack.
        if (!counted(decided, done, stop, finished)) {
          return;
        }
      }
    } finally {
      depth--;
    }
  }

  /** Counts one decision; false when the run is over. */
  private static boolean counted(
      AsyncResult<List<RateLimitStatus>> result,
      AtomicLong done,
      AtomicBoolean stop,
      CountDownLatch finished) {
    // At the limit a decision may be a rejection (429): a decision all the same.
    if (result.failed()) {
      if (!(result.cause() instanceof EdgeFailure failure)
          || failure.kind() != FailureKind.RATE_LIMITED) {
        throw new IllegalStateException(result.cause());
      }
      REJECTED.incrementAndGet();
    } else if (!result.result().get(0).known()) {
      UNDECIDED.incrementAndGet();
    }
    done.incrementAndGet();
    if (stop.get()) {
      finished.countDown();
      return false;
    }
    return true;
  }

  private static Map<String, Long> threadCpu() throws java.io.IOException {
    Map<String, Long> byGroup = taskCpu();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (long id : threads.getAllThreadIds()) {
      var info = threads.getThreadInfo(id);
      long cpu = threads.getThreadCpuTime(id);
      if (info != null && cpu >= 0) {
        byGroup.merge("java: " + info.getThreadName().replaceAll("[0-9]+", "#"), cpu, Long::sum);
      }
    }
    return byGroup;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU per thread group from /proc (JVM threads too: GC, JIT, VM thread), in nanoseconds. */
  private static Map<String, Long> taskCpu() throws java.io.IOException {
    Map<String, Long> byGroup = new TreeMap<>();
    long tickNanos = 10_000_000L; // USER_HZ = 100
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      for (java.nio.file.Path task : tasks.toList()) {
        String stat;
        try {
          stat = java.nio.file.Files.readString(task.resolve("stat"));
        } catch (java.io.IOException gone) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        byGroup.merge(name.replaceAll("[0-9]+", "#"), ticks * tickNanos, Long::sum);
      }
    }
    return byGroup;
  }
}
