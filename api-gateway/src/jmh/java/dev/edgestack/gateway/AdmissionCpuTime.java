package dev.edgestack.gateway;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link AdmissionBenchmark}'s steps timed in CPU time of the calling thread rather than wall time,
 * which a machine shared with other builds distorts much less. Run with {@code java -cp <test
 * classpath> dev.edgestack.gateway.AdmissionCpuTime [off|leased ...]}.
 */
public final class AdmissionCpuTime {
  private static final int BATCH = 200_000;

  private AdmissionCpuTime() {}

  public static void main(String[] args) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String limiter : args.length == 0 ? new String[] {"off", "leased"} : args) {
      AdmissionBenchmark benchmark = new AdmissionBenchmark();
      benchmark.limiter = limiter;
      benchmark.setUp();
      try {
        for (int round = 0; round < 25; round++) {
          long cpu = threads.getCurrentThreadCpuTime();
          long refused = 0;
          for (int i = 0; i < BATCH; i++) {
            if (benchmark.admit() == null) {
              refused++;
            }
          }
          long admitNanos = threads.getCurrentThreadCpuTime() - cpu;
          cpu = threads.getCurrentThreadCpuTime();
          long sink = 0;
          for (int i = 0; i < BATCH; i++) {
            sink += benchmark.headersOnly().size();
          }
          long headersNanos = threads.getCurrentThreadCpuTime() - cpu;
          if (round >= 15) {
            LoggerHolder.report(
                String.format(
                    Locale.ROOT,
                    "%s round %d: admit %.0f ns, headers only %.0f ns, difference %.0f ns CPU"
                        + " per request (%d not admitted at once, %d)",
                    limiter,
                    round,
                    (double) admitNanos / BATCH,
                    (double) headersNanos / BATCH,
                    (double) (admitNanos - headersNanos) / BATCH,
                    refused,
                    sink));
          }
        }
      } finally {
        benchmark.tearDown();
      }
    }
  }

  /** Where the figures go: the log, since main code and its tools stay off System.out. */
  private static final class LoggerHolder {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("admission");

    static void report(String line) {
      LOG.info(line);
    }
  }
}
