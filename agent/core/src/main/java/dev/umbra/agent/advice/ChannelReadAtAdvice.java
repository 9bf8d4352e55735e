package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code FileChannelImpl.read(ByteBuffer, long)}: a positional read. */
final class ChannelReadAtAdvice {
  private ChannelReadAtAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("path") Object path,
      @Advice.Argument(1) long position,
      @Advice.Return int n) {
    IoCounters.fileAt(IoCounters.FILE_READ, path, position, n, start);
  }
}
