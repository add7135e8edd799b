package polardb

import (
	"fmt"
	"strings"
)

// The kinds of endpoint, as Config.EndpointType names them.
const (
	EndpointPublic = "public" // the internet endpoint; the default
	EndpointVPC    = "vpc"    // reachable only from inside an Alibaba Cloud VPC
)

// centralEndpoint serves the regions listed in centralRegions; every other
// region has its own regional endpoint.
const centralEndpoint = "polardb.aliyuncs.com"

// centralRegions is the generated SDK's endpoint map for PolarDB 2017-08-01:
// these regions are served by the central endpoint.
var centralRegions = map[string]bool{
	"cn-qingdao":           true,
	"cn-beijing":           true,
	"cn-wulanchabu":        true,
	"cn-hangzhou":          true,
	"cn-shanghai":          true,
	"cn-heyuan":            true,
	"cn-hangzhou-finance":  true,
	"cn-beijing-finance-1": true,
	"cn-beijing-gov-1":     true,
	"cn-edge-1":            true,
	"cn-fujian":            true,
	"cn-wuhan":             true,
	"cn-zhangbei":          true,
	"eu-west-1-oxs":        true,
	"rus-west-1-pop":       true,
}

// vpcRegions are the regions that the aliyun CLI's product metadata gives a
// PolarDB VPC endpoint, all of the form polardb-vpc.<region>.aliyuncs.com.
var vpcRegions = map[string]bool{
	"ap-northeast-1": true, "ap-northeast-2": true, "ap-south-1": true,
	"ap-southeast-1": true, "ap-southeast-2": true, "ap-southeast-3": true,
	"ap-southeast-5": true, "ap-southeast-6": true, "ap-southeast-7": true,
	"cn-beijing": true, "cn-chengdu": true, "cn-guangzhou": true,
	"cn-hangzhou": true, "cn-hangzhou-finance": true, "cn-heyuan": true,
	"cn-hongkong": true, "cn-huhehaote": true, "cn-qingdao": true,
	"cn-shanghai": true, "cn-shanghai-finance-1": true, "cn-shenzhen": true,
	"cn-shenzhen-finance-1": true, "cn-wulanchabu": true, "cn-zhangjiakou": true,
	"eu-central-1": true, "eu-west-1": true, "me-east-1": true,
	"na-south-1": true, "us-east-1": true, "us-west-1": true,
}

// ResolveEndpoint returns the API host for a region and endpoint type
// (EndpointPublic when empty), or the explicit endpoint when one is given.
// It never looks anything up on the network.
func ResolveEndpoint(region, endpoint, endpointType string) (string, error) {
	if endpointType != "" && endpointType != EndpointPublic && endpointType != EndpointVPC {
		return "", fmt.Errorf("endpoint type %q is neither %q nor %q", endpointType, EndpointPublic, EndpointVPC)
	}
	if endpoint != "" {
		return endpoint, nil
	}
	region = strings.ToLower(region)
	if endpointType == EndpointVPC {
		if !vpcRegions[region] {
			return "", fmt.Errorf("no PolarDB VPC endpoint is known for region %q; set the endpoint explicitly", region)
		}
		return "polardb-vpc." + region + ".aliyuncs.com", nil
	}
	if centralRegions[region] {
		return centralEndpoint, nil
	}
	return "polardb." + region + ".aliyuncs.com", nil
}
