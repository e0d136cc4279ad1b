// Package pluginprocess holds the settings of a provider process that Terraform launches: which
// of the plugin libraries' log lines it formats, and how often it collects garbage. Both follow
// from how Terraform runs providers, one short-lived process per command whose standard error it
// filters, rather than from any resource.
package pluginprocess

import (
	"os"
	"runtime/debug"
	"strings"
)

// sdkLogLevelVariables are the variables that set the levels of the plugin libraries' loggers and of
// the provider's own logger. Each one that is unset means TRACE to those libraries.
var sdkLogLevelVariables = []string{
	"TF_LOG_SDK",                // the SDK's root logger
	"TF_LOG_SDK_PROTO",          // terraform-plugin-go: every RPC, received and served
	"TF_LOG_SDK_FRAMEWORK",      // terraform-plugin-framework: every attribute, validator and modifier
	"TF_LOG_PROVIDER_DEVPORTAL", // this provider's own tflog lines, such as one per API request
}

// quietLogLevels answers the variables to set so that the provider writes no log lines Terraform
// would discard, given the environment through lookup.
//
// Terraform shows a provider's log lines only when TF_LOG_PROVIDER, or else TF_LOG, names a level
// other than OFF; it reads the lines from the provider's standard error and drops the others.
// The plugin libraries do not know that: with none of their own variables set they format every
// line at TRACE, a JSON object with its caller's location, for each attribute of each resource of
// each request, which costs about a third of the provider's CPU time in a plan. So when Terraform
// would show nothing, each unset level variable is set to OFF; when the user asked for logs, or set
// a level variable, nothing changes and TF_LOG shows everything as before.
func quietLogLevels(lookup func(string) (string, bool)) map[string]string {
	level, _ := lookup("TF_LOG_PROVIDER")
	if strings.TrimSpace(level) == "" {
		level, _ = lookup("TF_LOG")
	}
	level = strings.TrimSpace(level)
	if level != "" && !strings.EqualFold(level, "OFF") {
		return nil
	}
	quiet := map[string]string{}
	for _, name := range sdkLogLevelVariables {
		if _, set := lookup(name); !set {
			quiet[name] = "OFF"
		}
	}
	return quiet
}

// QuietUnshownLogs applies quietLogLevels to the process environment, which the plugin libraries
// read at each request.
func QuietUnshownLogs() {
	for name, value := range quietLogLevels(os.LookupEnv) {
		_ = os.Setenv(name, value)
	}
}

// providerGCPercent is the garbage collector's target when the user did not set GOGC: the heap may
// grow to five times what is live before a collection. The plugin libraries allocate about 170 KB
// for each RPC (values converted between their representations, a logging context per attribute)
// and keep almost none of it: a plan of 800 resources allocates 420 MB while its live heap stays
// between 4 and 50 MB. At Go's default of 100 the collector took a quarter of the provider's CPU
// time in such a plan; at 400 the provider needs about 25% less CPU, for a heap of at most a few
// hundred MB in the largest plans, in a process that lives only as long as one Terraform command.
const providerGCPercent = 400

// CollectGarbageLessOften applies providerGCPercent unless GOGC says otherwise.
func CollectGarbageLessOften() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(providerGCPercent)
	}
}
