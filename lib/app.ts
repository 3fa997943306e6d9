import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig, stackName } from './config.js';
import { FengqiaoStack } from './stack.js';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const config = readConfig(app.node);
// no env: the template is environment-agnostic and deploys to aws and aws-cn alike
new FengqiaoStack(app, stackName(config), { config });
