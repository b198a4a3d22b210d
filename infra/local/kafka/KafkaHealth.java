// Health probe for infra/local/stack: a real metadata round trip through the Admin API.
// Usage: java -cp '<kafka libs>/*:<dir of this class>' KafkaHealth 127.0.0.1:19092
// Prints "ok cluster=<id> brokers=<n> controller=<id> topics=<n>" and exits 0, or exits 1.
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;

public class KafkaHealth {
    public static void main(String[] args) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args.length > 0 ? args[0] : "127.0.0.1:19092");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
        try (Admin admin = Admin.create(p)) {
            DescribeClusterResult c = admin.describeCluster();
            String id = c.clusterId().get(8, TimeUnit.SECONDS);
            int brokers = c.nodes().get(8, TimeUnit.SECONDS).size();
            int controller = c.controller().get(8, TimeUnit.SECONDS).id();
            int topics = admin.listTopics().names().get(8, TimeUnit.SECONDS).size();
            System.out.printf("ok cluster=%s brokers=%d controller=%d topics=%d%n", id, brokers, controller, topics);
            System.exit(brokers > 0 ? 0 : 1);
        } catch (Exception e) {
            System.err.println("kafka not healthy: " + e);
            System.exit(1);
        }
    }
}
