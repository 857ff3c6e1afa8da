import ArgumentParser

@main
struct Rewire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rewire", abstract: "Azure VM restore with every special setting reattached.")
}
