package main

import (
	"os"
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

// quietUnshownLogs applies quietLogLevels to the process environment, which the plugin libraries
// read at each request.
func quietUnshownLogs() {
	for name, value := range quietLogLevels(os.LookupEnv) {
		_ = os.Setenv(name, value)
	}
}
