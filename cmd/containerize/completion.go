package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// Shell completion of flag values (cobra's `containerize completion bash|zsh|fish|powershell`
// scripts ask the binary through its hidden __complete command).

// completeOneOf completes a flag that takes one of values.
func completeOneOf(values ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}

// completeList completes a comma-separated list of values: the item being typed after the
// last comma, from the values not yet listed, keeping what comes before.
func completeList(values ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		done, prefix := "", toComplete
		if i := strings.LastIndex(toComplete, ","); i >= 0 {
			done, prefix = toComplete[:i+1], toComplete[i+1:]
		}
		listed := strings.Split(done, ",")
		var out []cobra.Completion
		for _, v := range values {
			if strings.HasPrefix(v, prefix) && !slices.Contains(listed, v) {
				out = append(out, done+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// completeOutput completes --output: the kind, then the destination as a file name.
func completeOutput(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "dest=") {
		return nil, cobra.ShellCompDirectiveDefault
	}
	return []cobra.Completion{"docker,dest=", "oci,dest="}, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}
