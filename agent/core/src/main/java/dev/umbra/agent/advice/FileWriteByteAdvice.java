package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code write(int)} of {@code FileOutputStream} and {@code RandomAccessFile}. */
final class FileWriteByteAdvice {
  private FileWriteByteAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("path") Object path,
      @Advice.Thrown Throwable thrown) {
    if (thrown == null) {
      IoCounters.file(IoCounters.FILE_WRITE, path, 1, start);
    }
  }
}
