package dev.umbra.agent.advice;

import dev.umbra.agent.bootstrap.IoCounters;
import net.bytebuddy.asm.Advice;

/** {@code write(byte[])} of {@code FileOutputStream} and {@code RandomAccessFile}. */
final class FileWriteArrayAdvice {
  private FileWriteArrayAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static long enter() {
    return IoCounters.start();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter long start,
      @Advice.FieldValue("path") Object path,
      @Advice.Argument(0) byte[] bytes,
      @Advice.Thrown Throwable thrown) {
    if (thrown == null) {
      IoCounters.file(IoCounters.FILE_WRITE, path, bytes.length, start);
    }
  }
}
