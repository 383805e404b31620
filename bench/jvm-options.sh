# The JVM options bench/run.sh and bench/profile.sh start the Java targets with: the launcher's
# (stack/src/main/java/dev/edgestack/stack/JavaCommand.java, BASE_OPTIONS; JavaCommandTest checks that
# they are equal; docs/memory.md explains the sizes). Sourced, not run.
JAVA_OPTS=(-XX:+UseSerialGC -Xss512k -Xmx256m -Xmn48m
  -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:-UseCodeCacheFlushing -Dio.netty.trackPinnedMemory=false
  -Dhazelcast.phone.home.enabled=false
  -Dhazelcast.logging.type=slf4j --add-modules java.se
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
