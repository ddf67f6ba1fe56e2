/// The version `gatehouse version` prints.
public enum GatewayVersion {
    public static let current = "0.1.0-dev"
}
