package dev.edgestack.gateway;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link AdmissionBenchmark}'s steps timed in CPU time rather than wall time, which a machine
 * shared with other builds distorts much less: the calling thread's, and the whole process's.
 * Arguments are the limiters to run, {@code off} and/or {@code leased}. Run with {@code java -cp
 * <test classpath> dev.edgestack.gateway.AdmissionCpuTime ...}.
 */
public final class AdmissionCpuTime {
  private static final int BATCH = 500_000;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("admission");

  private AdmissionCpuTime() {}

  public static void main(String[] args) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean process =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (String target : args.length == 0 ? new String[] {"off", "leased"} : args) {
      AdmissionBenchmark benchmark = new AdmissionBenchmark();
      benchmark.limiter = target;
      try {
        benchmark.setUp();
        for (int round = 0; round < 16; round++) {
          long cpu = threads.getCurrentThreadCpuTime();
          long processCpu = process.getProcessCpuTime();
          long waited = 0;
          for (int i = 0; i < BATCH; i++) {
            if (benchmark.admit() == null) {
              waited++;
            }
          }
          long admitNanos = threads.getCurrentThreadCpuTime() - cpu;
          long admitProcessNanos = process.getProcessCpuTime() - processCpu;
          cpu = threads.getCurrentThreadCpuTime();
          long sink = 0;
          for (int i = 0; i < BATCH; i++) {
            sink += benchmark.headersOnly().size();
          }
          long headersNanos = threads.getCurrentThreadCpuTime() - cpu;
          if (round >= 8) {
            LOG.info(
                String.format(
                    Locale.ROOT,
                    "%s round %d: thread CPU %.0f ns per request (headers alone %.0f ns),"
                        + " process CPU %.0f ns; %d not admitted at once (%d)",
                    target,
                    round,
                    (double) admitNanos / BATCH,
                    (double) headersNanos / BATCH,
                    (double) admitProcessNanos / BATCH,
                    waited,
                    sink));
          }
        }
      } finally {
        benchmark.tearDown();
      }
    }
  }
}
