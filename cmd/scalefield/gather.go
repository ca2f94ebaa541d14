package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/scalefield/scalefield/gather/agent"
)

// runGather runs `scalefield gather`: the gather agent beside a database
// (see docs/gather-agent.md).
//
//	scalefield gather --config gather.yaml [--check] [--log-level info] [--log-format json]
func runGather(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scalefield gather", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", gatherEnv(getenv, "SCALEFIELD_GATHER_CONFIG", "gather.yaml"), "the agent's configuration file (SCALEFIELD_GATHER_CONFIG)")
	check := fs.Bool("check", false, "validate the configuration and exit")
	level := fs.String("log-level", gatherEnv(getenv, "SCALEFIELD_LOG_LEVEL", "info"), "debug, info, warn or error (SCALEFIELD_LOG_LEVEL)")
	format := fs.String("log-format", gatherEnv(getenv, "SCALEFIELD_LOG_FORMAT", "json"), "json or text (SCALEFIELD_LOG_FORMAT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("gather: unexpected arguments %q", fs.Args())
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("gather: log level %q: want debug, info, warn or error", *level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	var h slog.Handler
	switch *format {
	case "json":
		h = slog.NewJSONHandler(stderr, opts)
	case "text":
		h = slog.NewTextHandler(stderr, opts)
	default:
		return fmt.Errorf("gather: log format %q: want json or text", *format)
	}
	cfg, err := agent.LoadConfig(*path)
	if err != nil {
		return err
	}
	if *check {
		fmt.Fprintf(stdout, "%s: %d collectors, configuration is valid\n", *path, len(cfg.Collectors))
		return nil
	}
	a, err := agent.New(cfg, agent.Options{Logger: slog.New(h).With("component", "gather")})
	if err != nil {
		return err
	}
	return a.Run(ctx)
}

func gatherEnv(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
