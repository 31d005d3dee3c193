package main

import (
	"context"

	"github.com/quangba/quangba/configs"
)

// setup loads the configuration and builds the components.
func setup(ctx context.Context, configPath string) (*app, error) {
	cfg, err := configs.Load(configPath)
	if err != nil {
		return nil, err
	}
	return build(ctx, cfg)
}
