import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.rocketmq.tools.command.MQAdminStartup;

/**
 * Thin launcher around the official mqadmin tool (org.apache.rocketmq.tools.command.MQAdminStartup), used by
 * test/interop/support/apache-rocketmq.ts. Compiled against the RocketMQ jars of the version under test.
 *
 * Why not call MQAdminStartup directly:
 *  - MQAdminStartup always exits with status 0, even when the sub command failed (it prints the stack trace of
 *    the SubCommandException on stderr). This launcher exits with 1 when main0 threw or printed an exception.
 *  - After the command has finished, the JVM lingers 3-5 s waiting for Netty event loops to shut down
 *    gracefully. This launcher calls System.exit as soon as the command returns.
 *
 * Credentials for ACL-enabled brokers come, as with the real tool, from ${ROCKETMQ_HOME}/conf/tools.yml.
 */
public final class HarnessMQAdmin {
    private HarnessMQAdmin() {
    }

    public static void main(String[] args) throws Exception {
        final PrintStream realErr = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                realErr.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                realErr.write(b, off, len);
                synchronized (captured) {
                    captured.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                realErr.flush();
            }
        }, true, "UTF-8");
        System.setErr(tee);

        int code = 0;
        try {
            MQAdminStartup.main0(args, null);
        } catch (Throwable t) {
            t.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        String err;
        synchronized (captured) {
            err = new String(captured.toByteArray(), StandardCharsets.UTF_8);
        }
        if (code == 0 && (err.contains("Exception") || err.contains("Error:"))) {
            code = 1;
        }
        System.exit(code);
    }
}
